import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Subscriber, Subscription } from 'rxjs';
import { ProcessError } from '../errors/ProcessError.js';
import { ProcessExitError, ProcessTimeoutError } from '../errors/ProcessExitError.js';
import type { ProcessEvent } from '../events.js';
import { diagnoseSpawnFailure, findNulByte } from './diagnoseSpawnFailure.js';
import { feedStdin } from './feedStdin.js';
import { hasEnded } from './groupMembers.js';
import { currentFlowGate } from './flowGate.js';
import { ProcessTree } from './processTree.js';
import { track, untrack } from './registry.js';
import { planStdio, type StdioPlan } from './stdio.js';
import { TailBuffer } from './tailBuffer.js';
import { isSignalName, type ResolvedOptions } from './validateOptions.js';

/** What to run: checked at `spawn$` time, run at each subscription. */
export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: ResolvedOptions;
  /** A pipeline stage: read stdin from this stream (the previous stage's stdout), not from `options.stdin`. */
  readonly stdinFrom?: Readable;
  /** A pipeline stage whose stdout is handed to the next stage: it is piped but never read here. */
  readonly handOverStdout?: boolean;
}

const STDERR_TAIL_BYTES = 64 * 1024;
const noop = (): void => undefined;

/**
 * One subscription's process, from spawn to teardown. The teardown is registered on the subscriber before
 * anything is spawned; it is idempotent, emits nothing, removes every listener it added, and hands the
 * process tree to {@link ProcessTree.terminate}, which signals only what is still alive.
 */
export class ProcessRun {
  private readonly startedAt = performance.now();
  private child: ChildProcess | undefined;
  private tree: ProcessTree | undefined;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private exited = false;
  private openOutputs = 0;
  private ended = false;
  private timedOut = false;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private stopStdin = noop;
  private signalsSubscription: Subscription | undefined;
  private readonly stderrTail = new TailBuffer(STDERR_TAIL_BYTES);
  /** Backpressure from whoever consumes this process's stdout, captured at subscription. */
  private readonly gate = currentFlowGate();

  constructor(
    private readonly subscriber: Subscriber<ProcessEvent>,
    private readonly spec: ProcessSpec,
  ) {}

  start(): void {
    this.subscriber.add(() => this.teardown());
    const { command, args, options } = this.spec;
    const env = buildEnv(options);
    const nul = findNulByte(command, args, env, options.cwd);
    if (nul !== undefined) return this.failToStart(Object.assign(new Error(nul), { code: 'ERR_INVALID_ARG_VALUE' }));
    let plan: StdioPlan | undefined;
    let child: ChildProcess;
    try {
      plan = planStdio(this.spec.stdinFrom ?? options.stdin, options.stdout, options.stderr, options.cwd);
      // detached: the child gets its own session and process group, so the whole tree can be signalled.
      child = spawn(command, args, { cwd: options.cwd, env, stdio: plan.stdio, detached: true, uid: options.uid, gid: options.gid });
    } catch (err) {
      // (the finally below closes what was opened)
      return this.failToStart(err);
    } finally {
      plan?.close();
    }
    this.child = child;
    // Permanent no-op handlers: an 'error' arriving after teardown (a late EPIPE, a spawn failure the
    // subscriber did not wait for) must never become an uncaught exception in the host.
    child.on('error', noop);
    for (const stream of streamsOf(child)) stream?.on('error', noop);
    if (child.pid === undefined) {
      child.once('error', this.failToStart);
      return;
    }
    const pid = child.pid;
    this.tree = new ProcessTree(pid, child, options, (tree) => {
      untrack(tree);
      this.releaseOutput();
    });
    track(this.tree);
    child.once('exit', this.onExit);
    child.on('error', this.onChildError);
    this.subscriber.next({ type: 'spawn', pid });
    if (this.ended) return;
    if (this.spec.handOverStdout !== true) {
      this.watchOutput(child.stdout, this.onStdout);
      if (child.stdout !== null) this.gate?.add(child.stdout);
    }
    this.watchOutput(child.stderr, this.onStderr);
    const { stdin, signals, timeout } = options;
    if (child.stdin !== null && this.spec.stdinFrom === undefined && stdin !== undefined && stdin !== 'inherit' && stdin !== 'ignore') {
      this.stopStdin = feedStdin(child.stdin, stdin, this.fail);
    }
    this.signalsSubscription = signals?.subscribe({ next: this.sendSignal, error: this.fail });
    if (timeout !== undefined && Number.isFinite(timeout)) this.timeoutTimer = setTimeout(this.onTimeout, timeout);
  }

  private watchOutput(stream: Readable | null, onData: (data: Buffer) => void): void {
    if (stream === null) return;
    this.openOutputs++;
    stream.on('data', onData);
    stream.once('close', this.onOutputClosed);
  }

  private readonly onStdout = (data: Buffer): void => this.subscriber.next({ type: 'stdout', data });

  private readonly onStderr = (data: Buffer): void => {
    this.stderrTail.push(data);
    this.subscriber.next({ type: 'stderr', data });
  };

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.exited = true;
    clearTimeout(this.timeoutTimer);
    this.exitCode = code;
    this.exitSignal = signal;
    if (this.openOutputs === 0) return this.finish();
    // Descendants may hold the pipes open long after the child exited: bound the wait for EOF.
    const { drainTimeout } = this.spec.options;
    if (Number.isFinite(drainTimeout)) this.drainTimer = setTimeout(this.finish, drainTimeout);
  };

  private readonly onOutputClosed = (): void => {
    this.openOutputs--;
    if (this.exited && this.openOutputs === 0) this.finish();
  };

  /** The exit was seen and the output read (or the drain wait ran out): report it, then succeed or fail. */
  private readonly finish = (): void => {
    if (this.ended) return;
    const pid = this.tree!.pid;
    const durationMs = performance.now() - this.startedAt;
    const { exitCode, exitSignal: signal, subscriber, spec } = this;
    subscriber.next({ type: 'exit', pid, exitCode, signal, durationMs });
    if (this.ended) return;
    // Settle the tree before the final notification, so that `liveProcessCount()` is already right in
    // the subscriber's complete/error callback.
    this.tree!.terminate();
    const details = { command: spec.command, args: spec.args, pid, exitCode, signal, durationMs, stderr: this.stderrTail.toString() };
    if (this.timedOut) {
      const { timeout = 0, killSignal } = spec.options;
      subscriber.error(new ProcessTimeoutError({ ...details, timeoutMs: timeout, killSignal }));
    } else if (signal !== null || exitCode === null || !spec.options.successExitCodes.includes(exitCode)) {
      subscriber.error(new ProcessExitError(details));
    } else {
      subscriber.complete();
    }
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
    this.fail(diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt: this.startedAt }));
  };

  private readonly onChildError = (error: Error): void => {
    const { command, args } = this.spec;
    const durationMs = performance.now() - this.startedAt;
    this.fail(new ProcessError(`Process error: ${error.message}`, { command, args, pid: this.tree?.pid, durationMs, cause: error }));
  };

  private teardown(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.drainTimer);
    this.stopStdin();
    this.signalsSubscription?.unsubscribe();
    const child = this.child;
    if (child !== undefined) {
      child.removeListener('exit', this.onExit);
      child.removeListener('error', this.onChildError);
      child.removeListener('error', this.failToStart);
      if (child.stdout !== null) this.gate?.remove(child.stdout);
      for (const stream of [child.stdout, child.stderr]) {
        stream?.removeListener('data', this.onStdout).removeListener('data', this.onStderr);
        stream?.removeListener('close', this.onOutputClosed);
        // Keep reading (and dropping) until the tree is gone: a child that prints while it shuts down
        // on killSignal must not die of SIGPIPE instead.
        stream?.resume();
      }
      child.stdin?.destroy();
      if (this.tree === undefined) this.releaseOutput();
    }
    this.tree?.terminate();
  }

  /** The host's end of the child's stdout pipe, for a pipeline to hand to the next stage. */
  get stdout(): Readable | null {
    return this.child?.stdout ?? null;
  }

  /** Whether the child has ended: it never started, its exit was seen, or it is a zombie not yet reaped. */
  get childEnded(): boolean {
    return this.tree === undefined || this.tree.exited || hasEnded(this.tree.pid);
  }

  /** Closes the host's ends of the output pipes (once the tree is gone, or when there never was one). */
  private releaseOutput(): void {
    for (const stream of streamsOf(this.child!)) stream?.destroy();
  }
}

function buildEnv({ env, extendEnv }: ResolvedOptions): NodeJS.ProcessEnv {
  if (env === undefined) return extendEnv ? process.env : {};
  const merged: NodeJS.ProcessEnv = extendEnv ? { ...process.env, ...env } : { ...env };
  // Node would pass `undefined` on as the string "undefined": undefined means "remove".
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged;
}

/** The child's stdio streams; Node leaves `stdio` unset when the spawn failed early (EMFILE, ENFILE). */
function streamsOf(child: ChildProcess): ReadonlyArray<ChildProcess['stdio'][number]> {
  return (child.stdio as ChildProcess['stdio'] | undefined) ?? [];
}
