import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Subscriber } from 'rxjs';
import { ProcessError } from '../../errors/ProcessError.js';
import type { ProcessEvent } from '../../events.js';
import { ChildOutput } from '../local/childOutput.js';
import { exitFailure } from './exitFailure.js';
import { currentFlowGate } from '../io/flowGate.js';
import { hasEnded } from '../terminate/groupMembers.js';
import { IdleDrain } from '../io/idleDrain.js';
import { ProcessTree } from '../terminate/processTree.js';
import { track, untrack } from '../terminate/registry.js';
import { RemoteLink } from '../remote/run/remoteHandle.js';
import { safely } from '../io/reportError.js';
import { RunControls } from './runControls.js';
import { LocalTransport, type RunTransport } from './processHandle.js';
import { spawnChild, streamsOf, type ProcessSpec } from '../local/spawnChild.js';
import { isSignalName } from '../options/validateOptions.js';
import { guard, release } from '../terminate/watchdog.js';

export type { ProcessSpec } from '../local/spawnChild.js';

/**
 * One subscription's process, from spawn to teardown. The teardown is registered on the subscriber before
 * anything is spawned; it is idempotent, emits nothing, removes every listener it added, and hands the
 * process tree to {@link ProcessTree.terminate}, which signals only what is still alive. The child is
 * local; what it stands for (itself, or a remote process carried by ssh) is its {@link RunTransport}'s.
 */
export class ProcessRun {
  /** When the subscription began (for a remote process, before the wait for a connection). */
  private readonly startedAt: number;
  private readonly transport: RunTransport;
  private child: ChildProcess | undefined;
  private tree: ProcessTree | undefined;
  private treeSettled = false;
  /** `onSettled` was called (once: the run is over and its tree gone). */
  private settledReported = false;
  private exit = { pid: 0, exitCode: null as number | null, signal: null as NodeJS.Signals | null };
  private exited = false;
  private ended = false;
  private timedOut = false;
  /** After the exit: the wait for the end of the output, bounded by its idleness. */
  private drain: IdleDrain | undefined;
  private controls: RunControls | undefined;
  private output: ChildOutput | undefined;
  /** Backpressure from whoever consumes this process's stdout, captured at subscription. */
  private readonly gate = currentFlowGate();

  constructor(
    private readonly subscriber: Subscriber<ProcessEvent>,
    private readonly spec: ProcessSpec,
  ) {
    this.startedAt = spec.subscribedAt ?? performance.now();
    const emit = (event: ProcessEvent): void => subscriber.next(event);
    this.transport = spec.session === undefined ? new LocalTransport(spec, emit) : new RemoteLink(spec, spec.session, emit, { reportedEnd: () => this.controls?.exited(), drainExpired: this.finish, gate: this.gate, holdStdout: this.holdStdout });
  }

  start(): void {
    this.subscriber.add(() => this.teardown());
    // A subscriber that is already closed (forkJoin after a sibling failed, …) gets nothing spawned.
    if (this.ended) return this.transport.release();
    const local = this.transport.prepare(this.startedAt);
    if (local instanceof Error) return this.fail(local);
    const child = spawnChild(local, this.startedAt);
    if (child instanceof Error) return this.fail(this.transport.startFailure(child, this.startedAt));
    this.child = child;
    if (child.pid === undefined) {
      child.once('error', this.failToStart);
      return;
    }
    const { options } = local;
    this.tree = new ProcessTree(child.pid, child, options, this.onTreeSettled);
    track(this.tree);
    if (options.watchdog === true) guard(child.pid, options.killTimeout);
    child.once('exit', this.onExit);
    child.on('error', this.onChildError);
    this.transport.started(child.pid);
    if (this.ended) return;
    const done = (): void => {
      if (this.exited) this.finish();
    };
    this.output = new ChildOutput(child, this.spec.handOverStdout === true, this.gate, (event) => {
      this.drain?.activity();
      this.transport.output(event);
    }, done);
    this.output.watch();
    this.controls = new RunControls(child, local, { fail: this.fail, signal: this.sendSignal, timeout: this.onTimeout });
    this.controls.start(() => this.ended);
  }

  /** The host's end of the child's stdout pipe, for a pipeline to hand to the next stage. */
  get stdout(): Readable | null {
    return this.child?.stdout ?? null;
  }

  /** Whether the child has ended: it never started, its exit was seen, or it is a zombie not yet reaped. */
  get childEnded(): boolean {
    return this.tree === undefined || this.tree.exited || hasEnded(this.tree.pid);
  }

  private readonly onExit = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
    this.exited = true;
    this.exit = { pid: this.tree!.pid, exitCode, signal };
    this.controls?.exited();
    if (this.output === undefined || this.output.closed) return this.finish();
    // What the child wrote is in the pipes and is read first; descendants may hold them open long after
    // the exit: the wait for EOF ends after drainTimeout of silence.
    const heldBack = (): boolean => this.spec.handOverStdout !== true && this.gate?.isPaused === true;
    this.drain = new IdleDrain(this.spec.options.drainTimeout, heldBack, this.finish);
    this.drain.start();
  };

  /** The exit was seen and the output read (or the drain wait ran out): report it, then succeed or fail. */
  private readonly finish = (): void => {
    if (this.ended) return;
    const durationMs = performance.now() - this.startedAt;
    const end = this.transport.end(this.exit, this.timedOut, durationMs);
    // Settle the tree before the final notification, so that `liveProcessCount()` is already right in
    // the subscriber's complete/error callback.
    if (end instanceof Error) {
      this.tree!.terminate();
      return this.subscriber.error(end);
    }
    const { pid, exitCode, signal, host } = end;
    this.subscriber.next({ type: 'exit', pid, exitCode, signal, durationMs, ...(host === undefined ? {} : { host }) });
    if (this.ended) return;
    this.tree!.terminate();
    const stderr = this.transport.stderrTail() ?? this.output?.stderrTail() ?? '';
    const failure = exitFailure(this.spec, { ...end, durationMs, stderr }, this.timedOut);
    if (failure === undefined) this.subscriber.complete();
    else this.subscriber.error(failure);
  };

  /** Stops or resumes reading the child's stdout for its transport; resuming respects the consumer's backpressure. */
  private readonly holdStdout = (held: boolean): void => {
    const stdout = this.child?.stdout;
    if (held) stdout?.pause();
    else if (this.gate?.isPaused !== true) stdout?.resume();
  };

  /** The `timeout` ran out before the exit (confirmed after a poll: an exit already waiting was seen first). */
  private readonly onTimeout = (): void => {
    this.timedOut = true;
    this.tree!.terminate();
  };

  private readonly sendSignal = (signal: NodeJS.Signals): void => {
    if (isSignalName(signal)) this.tree!.signalLeader(signal);
    else this.fail(new TypeError(`signals: the Observable emitted ${String(signal)}; expected a signal name such as 'SIGHUP'`));
  };

  private readonly fail = (error: unknown): void => {
    if (!this.ended) this.subscriber.error(error);
  };

  private readonly failToStart = (error: unknown): void => this.fail(this.transport.startFailure(error, this.startedAt));

  private readonly onChildError = (error: Error): void => {
    const { command, args } = this.spec;
    const durationMs = performance.now() - this.startedAt;
    this.fail(new ProcessError(`Process error: ${error.message}`, { command, args, pid: this.tree?.pid, durationMs, cause: error }));
  };

  private readonly onTreeSettled = (tree: ProcessTree): void => {
    untrack(tree);
    if (this.spec.options.watchdog === true) release(tree.pid);
    this.transport.release();
    this.treeSettled = true;
    // While the run is live its output is still to be read to the end; after, nothing more is wanted.
    if (this.ended) {
      this.releaseOutput();
      this.reportSettled();
    }
  };

  /** The run is over and nothing it started is alive: tell the `onSettled` callback, once. */
  private reportSettled(): void {
    if (this.settledReported) return;
    this.settledReported = true;
    const { onSettled } = this.spec.options;
    if (onSettled !== undefined) safely(onSettled);
  }

  private teardown(): void {
    if (this.ended) return;
    this.ended = true;
    this.drain?.stop();
    const child = this.child;
    if (child !== undefined) {
      child.removeListener('exit', this.onExit);
      child.removeListener('error', this.onChildError);
      child.removeListener('error', this.failToStart);
      // Keep draining until the tree is gone: a child that prints while it shuts down on killSignal
      // must not die of SIGPIPE instead.
      this.output?.stopListening();
      child.stdin?.destroy();
    }
    // The kill first: nothing a user's source does in its own teardown may keep the process alive.
    this.tree?.terminate();
    if (this.tree === undefined) this.transport.release();
    if (this.tree === undefined || this.treeSettled) this.releaseOutput();
    this.controls?.stop();
    if (this.tree === undefined || this.treeSettled) this.reportSettled();
  }

  /** Closes the host's ends of the pipes (once the tree is gone, or when there never was one). */
  private releaseOutput(): void {
    if (this.output !== undefined) this.output.release();
    else if (this.child !== undefined) for (const stream of streamsOf(this.child)) stream?.destroy();
  }
}
