import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Subscriber, Subscription } from 'rxjs';
import { ProcessError } from '../errors/ProcessError.js';
import { exitFailure } from './exitFailure.js';
import type { ProcessEvent, StderrEvent, StdoutEvent } from '../events.js';
import { diagnoseSpawnFailure } from './diagnoseSpawnFailure.js';
import { feedStdin } from './feedStdin.js';
import { currentFlowGate } from './flowGate.js';
import { hasEnded } from './groupMembers.js';
import { ProcessTree } from './processTree.js';
import { track, untrack } from './registry.js';
import { safely } from './reportError.js';
import { guard, release } from './watchdog.js';
import { spawnChild, streamsOf, type ProcessSpec } from './spawnChild.js';
import { ChildOutput } from './childOutput.js';
import { isSignalName } from './validateOptions.js';
import { RemoteLink } from './remote/remoteLink.js';
import { ConnectionError } from '../errors/ConnectionError.js';

export type { ProcessSpec } from './spawnChild.js';

/**
 * One subscription's process, from spawn to teardown. The teardown is registered on the subscriber before
 * anything is spawned; it is idempotent, emits nothing, removes every listener it added, and hands the
 * process tree to {@link ProcessTree.terminate}, which signals only what is still alive.
 */
export class ProcessRun {
  /** When the subscription began (for a remote process, before the wait for a connection). */
  private readonly startedAt: number;
  private child: ChildProcess | undefined;
  private tree: ProcessTree | undefined;
  private treeSettled = false;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private exited = false;
  private ended = false;
  private timedOut = false;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private stopStdin: (() => void) | undefined;
  private signalsSubscription: Subscription | undefined;
  private output: ChildOutput | undefined;
  /** For a process on another host: the ssh link it runs through. */
  private remote: RemoteLink | undefined;
  /** Backpressure from whoever consumes this process's stdout, captured at subscription. */
  private readonly gate = currentFlowGate();

  constructor(
    private readonly subscriber: Subscriber<ProcessEvent>,
    private readonly spec: ProcessSpec,
  ) {
    this.startedAt = spec.subscribedAt ?? performance.now();
  }

  start(): void {
    this.subscriber.add(() => this.teardown());
    // A subscriber that is already closed (forkJoin after a sibling failed, …) gets nothing spawned.
    if (this.ended) return this.spec.session?.release();
    let local = this.spec;
    if (this.spec.session !== undefined) {
      const emit = (event: ProcessEvent): void => this.subscriber.next(event);
      this.remote = new RemoteLink(this.spec, this.spec.session, {
        spawned: (pid) => emit({ type: 'spawn', pid, host: this.remote!.host.label }),
        stdout: (data) => emit({ type: 'stdout', data }),
        stderr: (data) => emit({ type: 'stderr', data }),
      });
      const ssh = this.remote.localSpec(performance.now() - this.startedAt);
      if (ssh instanceof Error) return this.fail(ssh);
      local = ssh;
    }
    const child = spawnChild(local, this.startedAt);
    if (child instanceof Error) return this.fail(child);
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
    // A remote process's spawn event comes with the helper's report of the remote pid.
    if (this.remote === undefined) this.subscriber.next({ type: 'spawn', pid: child.pid });
    if (this.ended) return;
    const remote = this.remote;
    const emit = remote === undefined ? (event: StdoutEvent | StderrEvent) => this.subscriber.next(event) : (event: StdoutEvent | StderrEvent) => remote[event.type](event.data);
    this.output = new ChildOutput(child, this.spec.handOverStdout === true, this.gate, emit, () => {
      if (this.exited) this.finish();
    });
    this.output.watch();
    const { stdin, signals, timeout } = options;
    if (child.stdin !== null && this.spec.stdinFrom === undefined && stdin !== undefined && stdin !== 'inherit' && stdin !== 'ignore') {
      this.stopStdin = feedStdin(child.stdin, stdin, this.fail);
    }
    // Each step below may have failed the run synchronously (a source that errors at once).
    if (signals !== undefined && !this.ended) {
      const subscription = signals.subscribe({ next: this.sendSignal, error: this.fail });
      if (this.ended) subscription.unsubscribe();
      else this.signalsSubscription = subscription;
    }
    if (timeout !== undefined && Number.isFinite(timeout) && !this.ended) this.timeoutTimer = setTimeout(this.onTimeout, timeout);
  }

  /** The host's end of the child's stdout pipe, for a pipeline to hand to the next stage. */
  get stdout(): Readable | null {
    return this.child?.stdout ?? null;
  }

  /** Whether the child has ended: it never started, its exit was seen, or it is a zombie not yet reaped. */
  get childEnded(): boolean {
    return this.tree === undefined || this.tree.exited || hasEnded(this.tree.pid);
  }

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.exited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    clearTimeout(this.timeoutTimer);
    // Nothing can be signalled any more: a late error from `signals` must not fail a finished run.
    safely(() => this.signalsSubscription?.unsubscribe());
    if (this.output === undefined || this.output.closed) return this.finish();
    // Descendants may hold the pipes open long after the child exited: bound the wait for EOF.
    const { drainTimeout } = this.spec.options;
    if (Number.isFinite(drainTimeout)) this.drainTimer = setTimeout(this.finish, drainTimeout);
  };

  /** The exit was seen and the output read (or the drain wait ran out): report it, then succeed or fail. */
  private readonly finish = (): void => {
    if (this.ended) return;
    const durationMs = performance.now() - this.startedAt;
    const { subscriber, spec, remote } = this;
    const end = remote === undefined ? { exitCode: this.exitCode, signal: this.exitSignal } : remote.outcome(this.exitCode, this.timedOut, durationMs);
    // Settle the tree before the final notification, so that `liveProcessCount()` is already right in
    // the subscriber's complete/error callback.
    if (end instanceof Error) {
      this.tree!.terminate();
      return subscriber.error(end);
    }
    const { exitCode, signal } = end;
    const pid = remote?.pid ?? this.tree!.pid;
    const host = remote?.host.label;
    subscriber.next({ type: 'exit', pid, exitCode, signal, durationMs, ...(host === undefined ? {} : { host }) });
    if (this.ended) return;
    this.tree!.terminate();
    const stderr = (remote ?? this.output)?.stderrTail() ?? '';
    const failure = exitFailure(spec, { pid, exitCode, signal, durationMs, stderr, host }, this.timedOut);
    if (failure === undefined) subscriber.complete();
    else subscriber.error(failure);
  };

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

  private readonly failToStart = (error: unknown): void => {
    const { command, args, options } = this.spec;
    if (this.remote !== undefined) {
      const sshMessage = `could not run ${this.remote.host.sshPath}: ${(error as Error).message}`;
      const durationMs = performance.now() - this.startedAt;
      return this.fail(new ConnectionError({ command, args, pid: undefined, durationMs, host: this.remote.host.label, phase: 'connect', sshMessage, sshExitCode: null }));
    }
    this.fail(diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt: this.startedAt }));
  };

  private readonly onChildError = (error: Error): void => {
    const { command, args } = this.spec;
    const durationMs = performance.now() - this.startedAt;
    this.fail(new ProcessError(`Process error: ${error.message}`, { command, args, pid: this.tree?.pid, durationMs, cause: error }));
  };

  private readonly onTreeSettled = (tree: ProcessTree): void => {
    untrack(tree);
    if (this.spec.options.watchdog === true) release(tree.pid);
    this.remote?.release();
    this.treeSettled = true;
    // While the run is live its output is still to be read to the end; after, nothing more is wanted.
    if (this.ended) this.releaseOutput();
  };

  private teardown(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.drainTimer);
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
    if (this.tree === undefined) this.spec.session?.release();
    if (this.tree === undefined || this.treeSettled) this.releaseOutput();
    if (this.stopStdin !== undefined) safely(this.stopStdin);
    safely(() => this.signalsSubscription?.unsubscribe());
  }

  /** Closes the host's ends of the pipes (once the tree is gone, or when there never was one). */
  private releaseOutput(): void {
    if (this.output !== undefined) this.output.release();
    else if (this.child !== undefined) for (const stream of streamsOf(this.child)) stream?.destroy();
  }
}
