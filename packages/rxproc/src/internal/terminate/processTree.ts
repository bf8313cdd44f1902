import { groupHasLiveMember } from './groupMembers.js';
import { signalProcess } from './signalProcess.js';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import type { KillConfig, LeaderExit, Tree } from './tree.js';

/** Probing an exited child's group for stragglers: first after this many ms, doubling up to the max. */
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 250;

/**
 * One spawned child and the process group it leads (rxproc starts every child in its own session, so its
 * pid is also its group id). Every signal rxproc sends goes through here, which is what guarantees:
 * - the child itself is signalled only while its exit has not been seen (until Node reaps it, its pid
 *   cannot be reused, so the signal can only reach the right process);
 * - after that exit only the group is addressed (`kill(-pgid)`), and the kernel does not hand out a
 *   group's id as a new pid while any member of the group is alive.
 */
export class ProcessTree implements Tree {
  /** The child's exit has been seen (Node reaped it). */
  exited = false;
  private terminating = false;
  private escalation: CancelTimeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    readonly pid: number,
    child: LeaderExit,
    readonly config: KillConfig,
    private readonly onSettled: (tree: ProcessTree) => void,
  ) {
    // Registered before anyone else's 'exit' listener, so `exited` is true by the time they run.
    child.once('exit', () => this.onLeaderExit());
  }

  /**
   * Sends `signal` to the child alone, unless its exit has been seen by then. Deferred to the check phase:
   * libuv reaps every exited child of a batch before it emits their 'exit' events, so inside one of those
   * events (and whatever runs synchronously from it) a sibling may be reaped with `exited` still false.
   */
  signalLeader(signal: NodeJS.Signals): void {
    setImmediate(() => {
      if (!this.exited) send(this.pid, signal);
    });
  }

  /**
   * Sends `signal` to every process of the group; `false` when the group is empty. `true` also when the
   * group has members but none the host may signal (EPERM: they changed their user id).
   */
  signalGroup(signal: NodeJS.Signals): boolean {
    return send(-this.pid, signal);
  }

  /** Whether the child (until its exit is seen) or any living process of its group is there. */
  isAlive(): boolean {
    return !this.exited || groupHasLiveMember(this.pid);
  }

  /**
   * Stops the whole tree: `killSignal` to the group, then SIGKILL after `killTimeout` if anything of it is
   * still alive. Idempotent; does nothing to a tree that is already gone (no signal at all). While the
   * child's exit has not been seen, the signal waits for the check phase (see {@link signalLeader}).
   */
  terminate(): void {
    if (this.terminating || this.settled) return;
    this.terminating = true;
    if (this.exited) this.stop();
    else setImmediate(() => this.stop());
  }

  private stop(): void {
    if (this.settled) return;
    if (!this.isAlive() || !this.signalGroup(this.config.killSignal)) return this.settle();
    const { killTimeout } = this.config;
    if (killTimeout === 0) this.escalate();
    else if (Number.isFinite(killTimeout)) {
      // Unref'd: a dying tree must not keep the host alive; the host's exit hook covers what is left.
      // Confirmed after a poll: an exit already waiting there is seen before SIGKILL is decided.
      this.escalation = ioTimeout(killTimeout, () => this.escalate(), true);
    }
    if (this.exited) this.watchGroup(POLL_FIRST_MS);
  }

  private escalate(): void {
    this.escalation = undefined;
    if (this.isAlive()) this.signalGroup('SIGKILL');
    // Settled once the group is seen empty, not when SIGKILL is sent: a member may take a moment to die, and
    // `onSettled` (and the count) promise that every process is gone.
    if (this.exited) this.watchGroup(0);
  }

  private onLeaderExit(): void {
    this.exited = true;
    if (this.terminating) this.watchGroup(0);
  }

  /**
   * The kernel says nothing when a grandchild dies (it is not ours to reap), so after the child's exit the
   * group is probed, backing off, until no living member is left: then the tree is settled at once
   * instead of at `killTimeout`.
   */
  private watchGroup(delayMs: number): void {
    clearTimeout(this.poll);
    if (this.settled) return;
    if (!groupHasLiveMember(this.pid)) return this.settle();
    const next = Math.min(Math.max(delayMs * 2, POLL_FIRST_MS), POLL_MAX_MS);
    this.poll = setTimeout(() => this.watchGroup(next), delayMs === 0 ? POLL_FIRST_MS : delayMs).unref();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.escalation?.();
    clearTimeout(this.poll);
    this.escalation = this.poll = undefined;
    this.onSettled(this);
  }
}

/**
 * `true` when there is something to signal. ESRCH: nothing there any more. EPERM: there is, but no process
 * of it may be signalled by the host (its members changed their user id): not gone, so the tree stays
 * alive and tracked until they are, although the signal (and the SIGKILL after killTimeout) reaches none.
 */
function send(pid: number, signal: NodeJS.Signals | 0): boolean {
  return signalProcess(pid, signal) !== 'gone';
}
