import type { ProcessUsage } from '../../containmentOptions.js';

/** How a tree is stopped: the first signal, then SIGKILL after `killTimeout` ms if anything is still alive. */
export interface KillConfig {
  readonly killSignal: NodeJS.Signals;
  readonly killTimeout: number;
}

/** What tells a tree that its leader exited and was reaped: Node's `ChildProcess`, or a PTY process's stand-in. */
export interface LeaderExit {
  once(event: 'exit', listener: () => void): unknown;
}

/**
 * What holds a spawned child's tree and stops it (tokio's `Kill`): its process group ({@link ProcessTree})
 * or its cgroup ({@link CgroupTree}). Every signal rxproc sends to a tree goes through one of these.
 */
export interface Tree {
  readonly pid: number;
  /** The child's exit has been seen (Node reaped it): the child itself is never signalled after. */
  readonly exited: boolean;
  readonly config: KillConfig;
  /** The cgroup's folder, for a tree in a cgroup (the exit reaper and the watchdog end it by it). */
  readonly cgroupPath?: string;
  signalLeader(signal: NodeJS.Signals): void;
  /** `signal` to the whole tree; `false` when nothing of it is left. */
  signalGroup(signal: NodeJS.Signals): boolean;
  isAlive(): boolean;
  /** killSignal, then SIGKILL after killTimeout; idempotent; settles once nothing of the tree is left. */
  terminate(): void;
  /** What the whole tree has cost so far (a tree in a cgroup only). */
  usage?(): ProcessUsage;
}
