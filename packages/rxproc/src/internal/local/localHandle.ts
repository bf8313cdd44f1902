import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { isObservable } from 'rxjs';
import { ProcessError } from '../../errors/ProcessError.js';
import { SpawnError } from '../../errors/SpawnError.js';
import { feedStdin } from '../io/feedStdin.js';
import { currentFlowGate } from '../io/flowGate.js';
import { safely } from '../io/reportError.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { HandleSink, ProcessHandle, RunEnd, StageIo } from '../processHandle.js';
import { hasEnded } from '../terminate/groupMembers.js';
import type { Tree } from '../terminate/tree.js';
import { ChildOutput } from './childOutput.js';
import { runCgroupFor, startTree } from './containment.js';
import { diagnoseSpawnFailure } from './diagnoseSpawnFailure.js';
import { IpcChannel } from './ipcChannel.js';
import { spawnChild, streamsOf } from './spawnChild.js';

/** Turns what stopped a child from starting (a `SpawnError`, or Node's error) into the error to report. */
export type DescribeStartFailure = (error: unknown) => Error;

/**
 * A process on this machine: a child in its own process group, or its own cgroup ({@link startTree}), its pipes
 * ({@link ChildOutput}) and its stdin source. Every listener it adds is removed by `release`, which stops
 * the tree and closes the host's ends of the pipes once the tree is gone (a child that prints while it
 * shuts down must not die of SIGPIPE instead).
 */
export class LocalHandle implements ProcessHandle {
  private sink: HandleSink | undefined;
  private io: StageIo = {};
  private child: ChildProcess | undefined;
  private tree: Tree | undefined;
  private output: ChildOutput | undefined;
  private stopStdin: (() => void) | undefined;
  private ipc: IpcChannel | undefined;
  private exit: RunEnd = { pid: 0, exitCode: null, signal: null };
  private exited = false;
  private finished = false;
  private released = false;
  private treeSettled = false;
  /** Backpressure from whoever consumes this process's stdout, captured when the handle is made. */
  private readonly gate = currentFlowGate();

  constructor(
    private readonly spec: StageSpec,
    private readonly startedAt: number,
    private readonly describeStartFailure: DescribeStartFailure = (error) => startFailure(spec, error, startedAt),
  ) {}

  start(sink: HandleSink, io: StageIo): boolean {
    this.sink = sink;
    this.io = io;
    const cgroup = runCgroupFor(this.spec, this.startedAt);
    if (cgroup instanceof Error) return this.failToStart(cgroup);
    const child = spawnChild(this.spec, io, this.startedAt, cgroup && ((spawn) => cgroup.place(spawn, this.spec.options.limits)));
    if (child instanceof Error || child.pid === undefined) cgroup?.remove();
    if (child instanceof Error) return this.failToStart(child);
    this.child = child;
    // No pid: Node's 'error' event (ENOENT, EACCES, EMFILE, …) is still to come.
    if (child.pid === undefined) {
      child.once('error', this.failToStart);
      return false;
    }
    const { options } = this.spec;
    this.tree = startTree(child.pid, child, options, cgroup, this.onTreeSettled);
    child.once('exit', this.onExit);
    child.on('error', this.onChildError);
    sink.next({ type: 'spawn', pid: child.pid });
    if (this.released) return false;
    this.output = new ChildOutput(child, io.handOverStdout === true, this.gate, sink.next, this.onOutputOver, io.handOverStderr === true);
    this.output.watch();
    const { stdin } = options;
    if (child.stdin !== null && io.stdinFrom === undefined && (typeof stdin === 'string' || stdin instanceof Uint8Array || isObservable(stdin))) {
      this.stopStdin = feedStdin(child.stdin, stdin, (error) => this.report((to) => to.fail(error)));
    }
    // Last, and not once released: a source that fails at once (in its subscribe) releases the handle.
    if (options.ipc === true && !this.released) this.ipc = new IpcChannel(child, (tell) => this.report(tell));
    this.ipc?.start(options.send);
    return true;
  }

  get stdout(): Readable | null {
    return this.child?.stdout ?? null;
  }

  get stderr(): Readable | null {
    return this.child?.stderr ?? null;
  }

  /** It never started, its exit was seen, or it is a zombie not yet reaped. */
  get hasEnded(): boolean {
    return this.tree === undefined || this.tree.exited || hasEnded(this.tree.pid);
  }

  stderrTail(): string {
    return this.output?.stderrTail() ?? '';
  }

  signal(signal: NodeJS.Signals): void {
    this.tree?.signalLeader(signal);
  }

  terminate(): void {
    this.tree?.terminate();
  }

  /** Stops (`true`) or resumes reading stdout; resuming respects the consumer's backpressure. */
  holdStdout(held: boolean): void {
    const stdout = this.child?.stdout;
    if (held) stdout?.pause();
    else if (this.gate?.isPaused !== true) stdout?.resume();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const child = this.child;
    if (child !== undefined) {
      child.removeListener('exit', this.onExit).removeListener('error', this.onChildError).removeListener('error', this.failToStart);
      this.output?.stopListening();
      child.stdin?.destroy();
    }
    // The kill first: nothing a stdin source does in its own teardown may keep the process alive.
    this.tree?.terminate();
    if (this.stopStdin !== undefined) safely(this.stopStdin);
    this.ipc?.release();
    if (this.tree === undefined || this.treeSettled) this.closePipes();
    if (this.tree === undefined) this.settle();
  }

  /** Reports to the sink while the run wants reports. */
  private report(send: (sink: HandleSink) => void): void {
    if (!this.released && this.sink !== undefined) send(this.sink);
  }

  private readonly onExit = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
    this.exited = true;
    const usage = this.tree!.usage?.();
    this.exit = { pid: this.tree!.pid, exitCode, signal, ...(usage === undefined ? {} : { usage }) };
    this.ipc?.stopSending();
    this.report((sink) => sink.exited());
    if (this.output === undefined || this.output.closed) return this.finish();
    const heldBack = (): boolean => this.io.handOverStdout !== true && this.gate?.isPaused === true;
    this.output.drainAfterExit(this.spec.options.drainTimeout, heldBack, this.finish);
  };

  private readonly onOutputOver = (): void => {
    if (this.exited) this.finish();
  };

  /** The exit was seen and the output read (or the drain ran out). */
  private readonly finish = (): void => {
    if (this.finished) return;
    // The IPC channel too is read to its end (its last messages may come after the exit).
    if (this.ipc?.closed === false) return this.ipc.afterEnd(this.spec.options.drainTimeout, this.finish);
    this.finished = true;
    this.report((sink) => sink.end(this.exit));
  };

  private readonly failToStart = (error: unknown): false => {
    this.report((sink) => sink.fail(this.describeStartFailure(error)));
    // Nothing runs: the run is over as far as processes go.
    this.settle();
    return false;
  };

  private readonly onChildError = (error: Error): void => {
    const { command, args } = this.spec;
    const durationMs = performance.now() - this.startedAt;
    this.report((sink) => sink.fail(new ProcessError(`Process error: ${error.message}`, { command, args, pid: this.tree?.pid, durationMs, cause: error })));
  };

  private readonly onTreeSettled = (): void => {
    // While the run is live its output is still to be read to the end; after, nothing more is wanted.
    if (this.released) this.closePipes();
    this.settle();
  };

  private settle(): void {
    if (this.treeSettled) return;
    this.treeSettled = true;
    this.sink?.settled();
  }

  /** Closes the host's ends of the pipes (once the tree is gone, or when there never was one). */
  private closePipes(): void {
    if (this.output !== undefined) this.output.release();
    else if (this.child !== undefined) for (const stream of streamsOf(this.child)) stream?.destroy();
  }
}

/** A local child's start failure: the `SpawnError` already made of it, or one made of Node's error. */
function startFailure({ command, args, options }: StageSpec, error: unknown, startedAt: number): Error {
  if (error instanceof SpawnError) return error;
  return diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt });
}
