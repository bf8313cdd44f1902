import type { ProcessUsage } from '../../containmentOptions.js';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import type { RunCgroup } from './runCgroup.js';
import type { KillConfig, LeaderExit, Tree } from './tree.js';
import { signalProcess } from './signalProcess.js';

/**
 * One spawned child and the cgroup it was placed in (`containment` with a cgroup): the same duties as
 * {@link ProcessTree}, over the cgroup instead of the process group, so that a descendant that left the
 * group (`setsid`) is stopped with the rest. Stopping sends `killSignal` to every process of the cgroup,
 * then `cgroup.kill` after `killTimeout`; the tree is gone when its leader's exit was seen and the cgroup
 * is empty (watched, not polled); then the cgroup is removed.
 */
export class CgroupTree implements Tree {
  /** The child's exit has been seen (Node reaped it). */
  exited = false;
  private terminating = false;
  private settled = false;
  private escalation: CancelTimeout | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(
    readonly pid: number,
    child: LeaderExit,
    readonly config: KillConfig,
    readonly cgroup: RunCgroup,
    private readonly onSettled: (tree: CgroupTree) => void,
  ) {
    child.once('exit', () => {
      this.exited = true;
      if (this.terminating) this.watch();
    });
  }

  /** The cgroup's folder (for the exit reaper and the watchdog). */
  get cgroupPath(): string {
    return this.cgroup.path;
  }

  /** What the whole tree has cost so far, dead descendants included. */
  usage(): ProcessUsage {
    return this.cgroup.usage();
  }

  /** Sends `signal` to the child alone, unless its exit has been seen by then (see ProcessTree.signalLeader). */
  signalLeader(signal: NodeJS.Signals): void {
    setImmediate(() => {
      if (!this.exited) signalProcess(this.pid, signal);
    });
  }

  /** Sends `signal` to every process of the cgroup (SIGKILL: `cgroup.kill`); `false` when it is empty. */
  signalGroup(signal: NodeJS.Signals): boolean {
    return signal === 'SIGKILL' ? this.cgroup.kill() : this.cgroup.signal(signal);
  }

  /** Whether the child (until its exit is seen) or any process of the cgroup is there. */
  isAlive(): boolean {
    return !this.exited || this.cgroup.populated();
  }

  /** Stops the whole tree (idempotent; nothing is signalled once the cgroup is empty). */
  terminate(): void {
    if (this.terminating || this.settled) return;
    this.terminating = true;
    if (this.exited) this.stop();
    else setImmediate(() => this.stop());
  }

  private stop(): void {
    if (this.settled) return;
    // One look at the cgroup decides: gone already (the leader's exit seen, nothing left), or signal what is there.
    if (this.exited && !this.cgroup.populated()) return this.settle();
    this.cgroup.signal(this.config.killSignal);
    const { killTimeout } = this.config;
    if (killTimeout === 0) this.escalate();
    // Unref'd, confirmed after a poll (see ProcessTree).
    else if (Number.isFinite(killTimeout)) this.escalation = ioTimeout(killTimeout, () => this.escalate(), true);
    if (this.exited) this.watch();
  }

  private escalate(): void {
    this.escalation = undefined;
    this.cgroup.kill();
    if (this.exited) this.watch();
  }

  private watch(): void {
    this.stopWatching ??= this.cgroup.whenEmpty(() => this.settle());
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.escalation?.();
    this.stopWatching?.();
    this.escalation = this.stopWatching = undefined;
    this.cgroup.remove();
    this.onSettled(this);
  }
}
