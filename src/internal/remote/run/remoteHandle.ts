import { concat, isObservable, Observable, of } from 'rxjs';
import type { Readable } from 'node:stream';
import type { ProcessEvent, StderrEvent, StdoutEvent } from '../../../events.js';
import { ConnectionError } from '../../../errors/ConnectionError.js';
import type { StdinOption } from '../../../options.js';
import { SpawnError } from '../../../errors/SpawnError.js';
import { diagnoseSpawnFailure, findNulByte } from '../../local/diagnoseSpawnFailure.js';
import type { RunEnd, RunTransport } from '../../run/processHandle.js';
import type { ProcessSpec } from '../../local/spawnChild.js';
import { TailBuffer } from '../../io/tailBuffer.js';
import type { SessionSlot } from '../pool/pools.js';
import { MarkerParser, type Marker } from './markerParser.js';
import { MAX_REMOTE_COMMAND, newNonce, remoteCommand } from '../wrapper/remoteCommand.js';
import { helperError, sshNotStarted, transportError } from './remoteFailure.js';
import type { ResolvedHost } from '../config/resolveHost.js';
import { processArgs } from '../config/sshArgs.js';
import { StderrFile } from './stderrFile.js';
import { RedirectError } from '../../local/stdio.js';
import { IdleDrain } from '../../io/idleDrain.js';
import { currentFlowGate, type FlowGate } from '../../io/flowGate.js';

/** Stdout that may arrive before the helper's spawn report (a hostile or broken server): beyond it the run fails. */
export const MAX_HELD_STDOUT = 1024 * 1024;

/**
 * The local half of a remote process, as a {@link RunTransport}: the `ssh` command that carries it, and what
 * the remote helper reports through stderr markers (spawn, exit code or signal name, errors) turned back
 * into events and errors. Bytes before the spawn marker are ssh's or the login shell's (kept for a
 * `ConnectionError`); stdout that arrives before it is held back, so `spawn` is still the first event.
 */
export class RemoteLink implements RunTransport {
  readonly host: ResolvedHost;
  private readonly nonce = newNonce();
  private readonly parser: MarkerParser;
  private readonly preamble = new TailBuffer(8192);
  /** The command's stderr, for `ProcessExitError`; its last bytes are ssh's own words when the link drops. */
  private readonly tail = new TailBuffer(64 * 1024);
  private remotePid: number | undefined;
  private reported: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
  private errorMarker: string | undefined;
  private heldStdout: Buffer[] | undefined = [];
  private heldBytes = 0;
  /** Too much stdout before the spawn report: the run fails with this message. */
  private overflow: string | undefined;
  private file: StderrFile | undefined;
  private readonly drain: IdleDrain;

  constructor(
    private readonly spec: ProcessSpec,
    private readonly slot: SessionSlot,
    private readonly emit: (event: ProcessEvent) => void,
    private readonly run: {
      /** The helper reported the command's end: it is the exit (ssh itself may take longer to go). */
      readonly reportedEnd: () => void;
      /** After that end, the output stayed idle for `drainTimeout`: finish the run. */
      readonly drainExpired: () => void;
      /** The consumer's backpressure, if any. */
      readonly gate: FlowGate | undefined;
      /** Stops (`true`) or resumes reading ssh's stdout, while the spawn report is awaited. */
      readonly holdStdout: (held: boolean) => void;
    },
  ) {
    this.host = spec.options.host!;
    this.parser = new MarkerParser(this.nonce, this.onData, this.onMarker);
    this.drain = new IdleDrain(spec.options.drainTimeout, () => run.gate?.isPaused === true, run.drainExpired);
  }

  /** ssh, with the remote command; a `SpawnError` for what cannot be sent. */
  prepare(startedAt: number): ProcessSpec | SpawnError {
    const { command, args, options } = this.spec;
    const { killSignal, killTimeout, drainTimeout, cwd, env } = options;
    const refuse = (code: string, reason: string): SpawnError =>
      new SpawnError({ command, args, pid: undefined, durationMs: performance.now() - startedAt, host: this.host.label, cwd, code, reason });
    const nul = findNulByte(command, args, env ?? {}, cwd);
    if (nul !== undefined) return refuse('ERR_INVALID_ARG_VALUE', nul);
    const remote = remoteCommand({ argv: [command, ...args], cwd, env, killSignal, killTimeout, drainTimeout }, this.host, this.nonce);
    if (remote === undefined) return refuse('E2BIG', `the command, arguments, environment and cwd add up to more than ${MAX_REMOTE_COMMAND} bytes`);
    let stdout = options.stdout;
    if (typeof options.stderr === 'object') {
      const opened = StderrFile.open(stdout, options.stderr);
      if (opened instanceof Error) return diagnoseSpawnFailure(opened, { command, args, cwd: undefined, startedAt });
      ({ file: this.file, stdout } = opened);
    }
    // ssh runs in the host's environment (SSH_AUTH_SOCK, HOME) and cwd; its stderr carries the markers.
    // The preamble (nonce, env, cwd, argv) goes first on ssh's stdin, never in a command line; the
    // command's own stdin follows it, streamed as before, and its end is still the remote EOF.
    const stdin = withPreamble(remote.preamble, this.spec.stdinFrom ?? options.stdin);
    const local = { ...options, cwd: undefined, env: undefined, extendEnv: true, stdin, stdout, stderr: 'pipe' as const };
    return { ...this.spec, stdinFrom: undefined, command: this.host.sshPath, args: processArgs(this.host, this.slot.controlPath, remote.command), options: local };
  }

  /** The spawn event waits for the helper's report of the remote pid. */
  started(): void {}

  output(event: StdoutEvent | StderrEvent): void {
    if (this.overflow !== undefined) return;
    this.drain.activity();
    if (event.type === 'stderr') this.parser.push(event.data);
    else if (this.heldStdout === undefined) this.emit(event);
    else {
      this.heldBytes += event.data.length;
      if (this.heldBytes <= MAX_HELD_STDOUT) return void this.heldStdout.push(event.data);
      // After the helper's hold marker the command is running and its spawn report is on its way (a busy
      // host may be slow to send it): stop reading until it comes, memory stays bounded.
      if (this.parser.isHolding) {
        this.heldStdout.push(event.data);
        return this.run.holdStdout(true);
      }
      // Before any word of the helper: no helper sends that. Fail now rather than hold it all.
      this.heldStdout = [];
      this.overflow = `more than ${MAX_HELD_STDOUT} bytes of stdout arrived before the remote helper reported the spawn`;
      this.run.drainExpired();
    }
  }

  /** ssh has exited and its output is read: how the remote process ended, or the error to report. */
  end(ssh: RunEnd, timedOut: boolean, durationMs: number): RunEnd | Error {
    this.drain.stop();
    this.parser.end();
    this.file?.close();
    if (this.overflow !== undefined) {
      const { command, args } = this.spec;
      return new ConnectionError({ command, args, pid: undefined, durationMs, host: this.host.label, phase: 'connect', sshMessage: this.overflow, sshExitCode: null });
    }
    const facts = { spec: this.spec, host: this.host.label, remotePid: this.remotePid, durationMs };
    if (this.errorMarker !== undefined) return helperError(this.errorMarker, facts);
    // Stopped by its timeout: ssh was killed, and the helper stops the remote group with killSignal.
    const end = this.reported ?? (timedOut && this.remotePid !== undefined ? { exitCode: null, signal: this.spec.options.killSignal } : undefined);
    if (end !== undefined) return { pid: this.remotePid!, ...end, host: this.host.label };
    // Lost: ssh's reason is the last thing it printed, after the command's own stderr.
    const said = this.remotePid === undefined ? this.preamble.toString() : lastLines(this.tail.toString(), 2);
    return transportError(facts, said, ssh.exitCode, timedOut);
  }

  stderrTail(): string {
    return this.tail.toString();
  }

  startFailure(error: unknown, startedAt: number): Error {
    // A stdout file that could not be opened is the command's failure, as locally, not ssh's.
    if (error instanceof SpawnError && error.cause instanceof RedirectError) {
      const { command, args } = this.spec;
      return diagnoseSpawnFailure(error.cause, { command, args, cwd: undefined, startedAt });
    }
    return sshNotStarted({ spec: this.spec, host: this.host.label, remotePid: undefined, durationMs: performance.now() - startedAt }, this.host.sshPath, error);
  }

  release(): void {
    this.drain.stop();
    this.slot.release();
    this.file?.close();
  }

  private readonly onData = (data: Buffer): void => {
    // Before the spawn marker: ssh's own messages, a login shell's noise.
    if (this.remotePid === undefined) return this.preamble.push(Buffer.from(data));
    this.tail.push(Buffer.from(data));
    const { stderr } = this.spec.options;
    if (stderr === 'pipe') this.emit({ type: 'stderr', data });
    else if (stderr === 'inherit') process.stderr.write(data);
    else if (typeof stderr === 'object') this.file?.write(data);
  };

  private readonly onMarker = (marker: Marker): void => {
    const [event, first = '', second] = marker;
    if (event === 'spawn' && this.remotePid === undefined) {
      this.remotePid = Number(first);
      this.emit({ type: 'spawn', pid: this.remotePid, host: this.host.label });
      const held = this.heldStdout ?? [];
      const wasHeld = this.heldBytes > MAX_HELD_STDOUT;
      this.heldStdout = undefined;
      for (const data of held) this.emit({ type: 'stdout', data });
      if (wasHeld) this.run.holdStdout(false);
    } else if ((event === 'exit' || event === 'signal') && this.reported === undefined) {
      // A signal keeps the remote system's name, even where this one has no signal of that name.
      this.reported = event === 'exit' ? { exitCode: Number(first), signal: null } : { exitCode: null, signal: first as NodeJS.Signals };
      this.run.reportedEnd();
      // A handed-over stdout flows past this process: its progress cannot be seen, so it is not bounded.
      if (this.spec.handOverStdout !== true) this.drain.start();
    } else if (event === 'error') {
      this.errorMarker = [first, second].filter((word) => word !== undefined).join(' ');
    }
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}

/**
 * ssh's stdin: the preamble, then the command's stdin as given (the default and `'ignore'`: nothing, an EOF
 * right after the preamble). A stream (`'inherit'`, a pipeline stage's input) is read here, paused while
 * ssh's stdin is full, like the processes at the source of an Observable.
 */
export function withPreamble(preamble: Buffer, stdin: StdinOption | Readable | undefined): StdinOption {
  if (stdin === undefined || stdin === 'ignore') return preamble;
  if (stdin === 'inherit') return concat(of(preamble), fromStream(process.stdin));
  if (typeof stdin === 'string') return Buffer.concat([preamble, Buffer.from(stdin)]);
  if (stdin instanceof Uint8Array) return Buffer.concat([preamble, stdin]);
  if (isObservable(stdin)) return concat(of(preamble), stdin);
  return concat(of(preamble), fromStream(stdin));
}

function fromStream(stream: Readable): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    const gate = currentFlowGate();
    const data = (chunk: Buffer | string): void => subscriber.next(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const end = (): void => subscriber.complete();
    const error = (err: Error): void => subscriber.error(err);
    stream.on('data', data);
    stream.once('end', end);
    stream.once('error', error);
    gate?.add(stream);
    stream.resume();
    return () => {
      gate?.remove(stream);
      stream.off('data', data);
      stream.off('end', end);
      stream.off('error', error);
      // The host's stdin stays usable; a pipeline stage's pipe is closed, as ssh's exit closed it before.
      if (stream === process.stdin) stream.pause();
      else stream.destroy();
    };
  });
}
