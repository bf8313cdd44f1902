import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { IDisposable, IPty } from '@lydell/node-pty';
import { safely } from '../io/reportError.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { HandleSink, ProcessHandle, RunEnd, StageIo } from '../processHandle.js';
import { hasEnded } from '../terminate/groupMembers.js';
import type { Tree } from '../terminate/tree.js';
import { runCgroupFor, startTree } from './containment.js';
import { diagnoseSpawnFailure } from './diagnoseSpawnFailure.js';
import type { PtyModule } from './loadPty.js';
import { ptyPreflight } from './ptyPreflight.js';
import { typeInto } from './ptyInput.js';
import { buildEnv } from './spawnChild.js';

const noop = (): void => undefined;
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/**
 * A process on this machine in a pseudo-terminal (the `tty` option): the PTY package forks it as the
 * leader of a new session and process group, with the terminal as its stdin, stdout and stderr. The group
 * is a tree like any local child's (its process group, or its cgroup: {@link startTree}), tracked by the registry (and the watchdog), so it is
 * stopped by the same code; the package's exit report stands in for Node's `'exit'`. The package itself
 * waits for the terminal's output to be read before it reports the exit, and closes the terminal then.
 */
export class PtyHandle implements ProcessHandle {
  readonly stdout: Readable | null = null;
  private sink: HandleSink | undefined;
  private term: IPty | undefined;
  private tree: Tree | undefined;
  /** Says 'exit' to the tree when the package reports the exit (it reaped the process by then). */
  private readonly leader = new EventEmitter();
  private listeners: IDisposable[] = [];
  private stopStdin: (() => void) | undefined;
  private released = false;
  private treeSettled = false;

  constructor(
    private readonly spec: StageSpec,
    private readonly startedAt: number,
    private readonly pty: PtyModule,
  ) {}

  start(sink: HandleSink, io: StageIo): boolean {
    this.sink = sink;
    const { command, args, options } = this.spec;
    const env = buildEnv(options);
    const failure = ptyPreflight(this.spec, env, this.startedAt);
    if (failure !== undefined) return this.failToStart(failure);
    const { cols, rows } = options.tty ?? { cols: 80, rows: 24 };
    const cgroup = runCgroupFor(this.spec, this.startedAt);
    if (cgroup instanceof Error) return this.failToStart(cgroup);
    let term: IPty;
    try {
      // `encoding: null`: the output as bytes, cut where the terminal cut it, as a pipe's would be.
      const spawn = (): IPty =>
        this.pty.spawn(command, [...args], {
          name: env.TERM ?? 'xterm-256color',
          cols,
          rows,
          cwd: options.cwd ?? process.cwd(),
          env,
          encoding: null,
          uid: options.uid,
          gid: options.gid,
        });
      // (the package forks synchronously, as child_process does: the terminal's process is born in the cgroup)
      term = cgroup === undefined ? spawn() : cgroup.place(spawn, options.limits);
    } catch (error) {
      cgroup?.remove();
      return this.failToStart(diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt: this.startedAt }));
    }
    this.term = term;
    // The package throws a terminal read error other than EIO unless someone else listens for errors.
    (term as unknown as EventEmitter).on('error', noop);
    this.tree = startTree(term.pid, this.leader, options, cgroup, () => this.settle());
    // The tree hears of the exit also after release (it is what settles a stopped tree): never disposed.
    term.onExit(() => this.leader.emit('exit'));
    this.listeners = [term.onData(this.onData), term.onExit(this.onExit)];
    sink.next({ type: 'spawn', pid: term.pid });
    if (this.released) return false;
    const source = io.stdinFrom ?? options.stdin;
    if (source !== undefined && source !== 'ignore' && source !== 'inherit') {
      this.stopStdin = typeInto(term, source, (error) => this.report((to) => to.fail(error)));
    }
    return true;
  }

  /** It never started, its exit was seen, or it is a zombie not yet reaped. */
  get hasEnded(): boolean {
    return this.tree === undefined || this.tree.exited || hasEnded(this.tree.pid);
  }

  /** A terminal has no stderr of its own: what the process wrote there is in the output. */
  stderrTail(): string {
    return '';
  }

  signal(signal: NodeJS.Signals): void {
    this.tree?.signalLeader(signal);
  }

  terminate(): void {
    this.tree?.terminate();
  }

  /**
   * Stops the tree and listens no more. The terminal stays open until the package closes it at the exit:
   * closing it first would hang up the process (SIGHUP) instead of giving it `killSignal`; its output is
   * still read (and dropped) meanwhile, so a process printing while it stops never blocks.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const listener of this.listeners) listener.dispose();
    this.tree?.terminate();
    if (this.stopStdin !== undefined) safely(this.stopStdin);
    if (this.tree === undefined) this.settle();
  }

  private report(send: (sink: HandleSink) => void): void {
    if (!this.released && this.sink !== undefined) send(this.sink);
  }

  private readonly onData = (data: string | Buffer): void => {
    this.report((sink) => sink.next({ type: 'stdout', data: typeof data === 'string' ? Buffer.from(data) : data }));
  };

  /** Reported after the terminal's output was read to its end (or 200 ms after the exit, the package's bound). */
  private readonly onExit = ({ exitCode, signal }: { exitCode: number; signal?: number }): void => {
    const name = signal === undefined || signal === 0 ? null : (SIGNAL_NAMES.get(signal) ?? null);
    const usage = this.tree!.usage?.();
    const end: RunEnd = { pid: this.tree!.pid, exitCode: name === null ? exitCode : null, signal: name, ...(usage === undefined ? {} : { usage }) };
    this.report((sink) => sink.exited());
    this.report((sink) => sink.end(end));
  };

  private readonly failToStart = (error: unknown): false => {
    this.report((sink) => sink.fail(error));
    this.settle();
    return false;
  };

  private settle(): void {
    if (this.treeSettled) return;
    this.treeSettled = true;
    this.sink?.settled();
  }
}
