import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ioTimeout, type CancelTimeout } from '../../io/ioTimeout.js';
import { ProcessTree } from '../../terminate/processTree.js';
import { track, untrack } from '../../terminate/registry.js';
import { TailBuffer } from '../../io/tailBuffer.js';
import { guard, release } from '../../terminate/watchdog.js';
import type { ResolvedHost } from '../../options/resolveHost.js';
import { masterArgs } from '../sshArgs.js';

/** How often a starting master's control socket is looked for. */
const POLL_MS = 10;
/** A master that ignores SIGTERM gets SIGKILL after this long. */
const KILL_TIMEOUT_MS = 2000;

/**
 * One shared ssh connection: an OpenSSH ControlMaster that runs no command (`-N`) and that rxproc owns.
 * It is a child of the host like any process rxproc starts (own process group, in the registry, so the
 * host's exit stops it; under the watchdog, so even the host's SIGKILL does), never a daemon. When it
 * goes, every session through it ends, and the remote wrappers stop their process groups.
 */
export class ControlMaster {
  /** Sessions granted or promised on this connection. */
  sessions = 0;
  /** `closing`: being stopped; it takes no new session but still counts as a connection. */
  state: 'starting' | 'ready' | 'closing' | 'closed' = 'starting';
  /** Why it closed before it was ready. */
  private failure: string | undefined;
  private wasReady = false;
  private spawnFailure: string | undefined;
  private closeGrace: CancelTimeout | undefined;
  private child: ChildProcess | undefined;
  private tree: ProcessTree | undefined;
  private poll: NodeJS.Timeout | undefined;
  private deadline = 0;
  private readonly stderr = new TailBuffer(4096);
  private readonly exited: Promise<void>;
  /** The master process is gone, and the pool was told (both are needed before a close resolves). */
  private gone = { process: false, pool: false };
  private resolveExited!: () => void;

  constructor(
    private readonly host: ResolvedHost,
    readonly controlPath: string,
    private readonly onReady: (master: ControlMaster) => void,
    /** The master is gone; `message` says why when it never became ready. */
    private readonly onClosed: (master: ControlMaster, message: string | undefined) => void,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Whether it may take new sessions. */
  get usable(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  start(): void {
    let child: ChildProcess;
    try {
      child = spawn(this.host.sshPath, masterArgs(this.host, this.controlPath), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      // Later, not now: the pool is still handing out sessions on this master.
      this.spawnFailure = `could not run ${this.host.sshPath}: ${(error as Error).message}`;
      return queueMicrotask(() => this.closed());
    }
    this.child = child;
    child.on('error', (error) => {
      this.spawnFailure ??= `could not run ${this.host.sshPath}: ${error.message}`;
      this.closed();
    });
    child.stderr?.on('data', (data: Buffer) => this.stderr.push(data));
    if (child.pid === undefined) return;
    this.tree = new ProcessTree(child.pid, child, { killSignal: 'SIGTERM', killTimeout: KILL_TIMEOUT_MS }, (tree) => {
      untrack(tree);
      release(tree.pid);
      this.settle('process');
      // Normally 'close' came already; a process outside the group holding stderr must not stall it.
      // Confirmed after a poll: a 'close' already waiting there (with the rest of ssh's message) comes first.
      this.closeGrace = ioTimeout(500, () => this.closed());
    });
    track(this.tree, true);
    guard(child.pid, KILL_TIMEOUT_MS);
    // 'close', not 'exit': a master that failed to start has its whole message read by then.
    child.once('close', () => this.closed());
    this.deadline = performance.now() + this.host.connectTimeout + 5000;
    this.poll = setInterval(this.check, POLL_MS);
  }

  /** Stops the connection; resolves once the master process is gone. */
  close(): Promise<void> {
    if (this.usable) this.state = 'closing';
    // No process (its spawn failed): after the pending 'error' event, which says why.
    if (this.tree === undefined) setImmediate(() => this.closed());
    // Whoever awaits the close must not see the host exit first (an idle master does not hold it).
    this.child?.ref();
    this.tree?.terminate();
    return this.exited;
  }

  private settle(what: 'process' | 'pool'): void {
    this.gone[what] = true;
    if (this.gone.process && this.gone.pool) this.resolveExited();
  }

  // ssh creates the socket only once it is logged in and listening for sessions.
  private readonly check = (): void => {
    if (this.state !== 'starting') return;
    if (existsSync(this.controlPath)) {
      clearInterval(this.poll);
      this.state = 'ready';
      this.wasReady = true;
      // An idle shared connection must not keep the host's event loop alive.
      this.child?.unref();
      (this.child?.stderr as Socket | null | undefined)?.unref();
      this.onReady(this);
    } else if (performance.now() > this.deadline) {
      this.failure = `ssh was not connected after ${Math.round(this.host.connectTimeout + 5000)} ms`;
      void this.close();
    }
  };

  private closed(): void {
    this.closeGrace?.();
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.poll);
    this.tree?.terminate();
    if (this.tree === undefined) this.settle('process');
    const said = this.stderr.toString().trim();
    if (!this.wasReady) this.failure = this.spawnFailure ?? (said !== '' ? said : (this.failure ?? 'ssh ended before the connection was ready'));
    this.onClosed(this, this.failure);
    this.settle('pool');
  }
}
