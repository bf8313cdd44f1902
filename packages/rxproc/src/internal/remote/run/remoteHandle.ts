import type { Readable } from 'node:stream';
import { SpawnError } from '../../../errors/SpawnError.js';
import { currentFlowGate } from '../../io/flowGate.js';
import { IdleDrain } from '../../io/idleDrain.js';
import { LocalHandle } from '../../local/localHandle.js';
import { diagnoseSpawnFailure } from '../../local/diagnoseSpawnFailure.js';
import { RedirectError } from '../../local/stdio.js';
import type { StageSpec } from '../../options/stageSpec.js';
import type { HandleSink, ProcessHandle, RunEnd, StageIo } from '../../processHandle.js';
import type { ResolvedHost } from '../../options/resolveHost.js';
import type { Session } from '../pool/pools.js';
import { newControlId, newNonce } from '../wrapper/remoteCommand.js';
import { sshNotStarted } from './remoteFailure.js';
import { RemoteReport } from './remoteReport.js';
import { requestStop, type StopOutcome } from './remoteStop.js';
import { sshSpec } from './sshSpec.js';

/**
 * A process on another host, as a {@link ProcessHandle}: a {@link LocalHandle} runs the `ssh` that carries it,
 * and this handle stands between that handle and the run. ssh's stderr carries the remote wrapper's markers
 * (spawn, exit code or signal name, errors), which {@link RemoteReport} turns back into events and an end;
 * stdout that arrives before the spawn report is held back, so `spawn` is still the first event. The run's
 * end is the wrapper's exit report followed by the end of the output (or `drainTimeout` of silence), not
 * ssh's own exit. A run that may be stopped with its output still read (`stop`, `timeout`) gives its wrapper
 * a control id, and `terminate` asks the wrapper to stop the command (see {@link requestStop}) instead of
 * closing the session.
 */
export class RemoteHandle implements ProcessHandle {
  readonly host: ResolvedHost;
  private readonly nonce = newNonce();
  /** The id a stop request names the wrapper by; only for a run that can be stopped and still read. */
  private readonly control: string | undefined;
  /** The process the wrapper named for stop requests (its `ctl` report). */
  private controlPid: number | undefined;
  private stopWanted = false;
  private cancelStop: (() => void) | undefined;
  private readonly gate = currentFlowGate();
  /** Made at the start, with the run's `next`: a remote chunk goes from it straight to the subscriber. */
  private report: RemoteReport | undefined;
  private readonly drain: IdleDrain;
  private sink: HandleSink | undefined;
  private ssh: LocalHandle | undefined;
  private timedOut = false;
  private handOverStdout = false;
  private finished = false;
  private released = false;

  constructor(
    private readonly spec: StageSpec,
    private readonly session: Session,
    private readonly startedAt: number,
    /** Its pipeline has a `stop`: any stage may be stopped and still read. */
    pipelineStop = false,
  ) {
    this.host = spec.options.host!;
    const { stop, timeout } = spec.options;
    if (pipelineStop || stop !== undefined || (timeout !== undefined && Number.isFinite(timeout))) this.control = newControlId();
    this.drain = new IdleDrain(spec.options.drainTimeout, () => this.gate?.isPaused === true, this.finish);
  }

  start(sink: HandleSink, io: StageIo): boolean {
    this.sink = sink;
    this.handOverStdout = io.handOverStdout === true;
    const ids = { controlPath: this.session.controlPath, nonce: this.nonce, control: this.control };
    const ssh = sshSpec(this.spec, io, this.host, ids, this.startedAt);
    if (ssh instanceof Error) {
      sink.fail(ssh);
      this.release();
      return false;
    }
    const actions = {
      exited: this.onReportedExit,
      overflow: this.finish,
      holdStdout: (held: boolean) => this.ssh?.holdStdout(held),
      control: this.onControl,
    };
    this.report = new RemoteReport(this.spec, this.host.label, sink.next, actions, this.nonce, ssh.file);
    this.ssh = new LocalHandle(ssh.spec, this.startedAt, this.startFailure);
    // ssh's stdin is the wrapper's preamble followed by the stage's input (see sshSpec).
    return this.ssh.start(this.carrier, { handOverStdout: io.handOverStdout });
  }

  get stdout(): Readable | null {
    return this.ssh?.stdout ?? null;
  }

  /** The wrapper reported the end (ssh itself may take longer to go), or ssh is gone. */
  get hasEnded(): boolean {
    return this.report?.ended === true || (this.ssh?.hasEnded ?? true);
  }

  stderrTail(): string {
    return this.report?.stderrTail() ?? '';
  }

  /** Never called: the `signals` option is refused with `host`. */
  signal(signal: NodeJS.Signals): void {
    this.ssh?.signal(signal);
  }

  /**
   * Stops the remote group with `killSignal`, then SIGKILL after `killTimeout`. A run with a control id that
   * has not been reported ended asks its wrapper to do so, and its output is read to the end: at once once
   * the wrapper has named its control process, else as soon as it does (a stop before the remote spawn
   * stops the command once it runs, as a local one is stopped after its spawn). Otherwise ssh is stopped,
   * and the wrapper, seeing its session go, does the same: so is a timeout that comes before the spawn
   * report (the connection itself may be what hangs).
   */
  terminate(reason?: 'timeout'): void {
    if (reason === 'timeout') this.timedOut = true;
    const early = reason === 'timeout' && !this.report?.hasSpawned && this.controlPid === undefined;
    if (this.control === undefined || this.hasEnded || early) return this.ssh?.terminate();
    this.stopWanted = true;
    this.sendStop();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.drain.stop();
    this.cancelStop?.();
    if (this.ssh !== undefined) return this.ssh.release();
    // Nothing was started: what the handle holds is given back now.
    this.giveBack();
  }

  /** What the ssh handle reports, turned into the remote process's reports. */
  private readonly carrier: HandleSink = {
    next: (event) => {
      if (event.type === 'spawn') return; // ssh's own pid: the remote pid comes with the wrapper's report
      if (event.type === 'message') return; // ssh runs without an IPC channel (ipc is refused with host)
      this.drain.activity();
      this.report!.output(event);
    },
    exited: () => this.sink?.exited(),
    end: (ssh) => this.finish(ssh as RunEnd),
    fail: (error) => this.sink?.fail(error),
    settled: () => this.giveBack(),
  };

  /** The wrapper reported the command's end: it is the exit (ssh itself may take longer to go). */
  private readonly onReportedExit = (): void => {
    this.sink?.exited();
    // A handed-over stdout flows past this process: its progress cannot be seen, so it is not bounded.
    if (!this.handOverStdout) this.drain.start();
  };

  /** The wrapper named the process a stop request signals: a stop asked for before is sent now. */
  private readonly onControl = (pid: number): void => {
    this.controlPid ??= pid;
    if (this.stopWanted) this.sendStop();
  };

  private sendStop(): void {
    if (this.controlPid === undefined || this.cancelStop !== undefined || this.hasEnded || this.released) return;
    this.cancelStop = requestStop(this.host, this.controlPid, this.control!, this.stopSent);
  }

  /** A stop request that could not be delivered stops ssh instead: the rest of the output is then lost. */
  private readonly stopSent = (outcome: StopOutcome): void => {
    if (outcome === 'failed' && !this.hasEnded) this.ssh?.terminate();
  };

  /** ssh has exited and its output is read, or the remote output stayed idle for `drainTimeout` after the exit. */
  private readonly finish = (ssh?: RunEnd): void => {
    if (this.finished) return;
    this.finished = true;
    this.drain.stop();
    const result = this.report!.end(ssh?.exitCode ?? null, this.timedOut, performance.now() - this.startedAt);
    if (!this.released) this.sink?.end(result);
  };

  /** ssh could not be started: a stdout file that could not be opened is the command's failure, as locally. */
  private readonly startFailure = (error: unknown): Error => {
    const { command, args } = this.spec;
    if (error instanceof SpawnError && error.cause instanceof RedirectError) {
      return diagnoseSpawnFailure(error.cause, { command, args, cwd: undefined, startedAt: this.startedAt });
    }
    const facts = { spec: this.spec, host: this.host.label, remotePid: undefined, durationMs: performance.now() - this.startedAt };
    return sshNotStarted(facts, this.host.sshPath, error);
  };

  private giveBack(): void {
    this.drain.stop();
    this.session.release();
    this.report?.closeFile();
    this.sink?.settled();
  }
}
