/**
 * How a process tree is held together, so that stopping it reaches all of it:
 * - `'cgroup'`: its own cgroup v2 (Linux). Everything the process starts is in it, even a descendant that
 *   left the process group with `setsid()`; the tree is stopped with `cgroup.kill` and counts as gone when
 *   the cgroup is empty; the `exit` event carries `usage`. Needs a cgroup the host may create (root, or a
 *   delegated subtree); otherwise the run fails with a `SpawnError` (code `ENOTSUP`) saying how to get one.
 * - `'group'`: its process group (every platform): a descendant that calls `setsid()` escapes it.
 * - `'auto'` (the default): a cgroup where the host can make one, else the group (decided once per host).
 *
 * See docs/termination.md ("Containment with cgroup v2").
 */
export type Containment = 'auto' | 'cgroup' | 'group';

/** What a run's cgroup may use, where the cgroup's controllers are delegated (`containment` with a cgroup). */
export interface ProcessLimits {
  /**
   * `memory.max`: the most memory (bytes) the tree may hold; past it the kernel reclaims, then OOM-kills in
   * the cgroup. Rounded down to whole pages by the kernel. Needs the memory controller.
   */
  readonly memoryBytes?: number;
  /** `pids.max`: the most processes (and threads) alive in the tree at once; a fork past it fails (EAGAIN). Needs the pids controller. */
  readonly pids?: number;
  /**
   * `cpu.max`: CPUs' worth of time per 100 ms period (0.5 = half a CPU, 2 = two CPUs); under 0.01 counts as
   * 0.01 (the kernel takes no quota under 1 ms). Needs the cpu controller.
   */
  readonly cpu?: number;
}

/** What the whole tree of a run in a cgroup has cost: every process it held, dead ones included. */
export interface ProcessUsage {
  /** User CPU time, ms (`cpu.stat` `user_usec`). */
  readonly userCpuMs: number;
  /** System CPU time, ms (`cpu.stat` `system_usec`). */
  readonly systemCpuMs: number;
  /** The most memory the tree held at once (`memory.peak`), where the memory controller is enabled for it. */
  readonly peakMemoryBytes?: number;
}

/**
 * The options of `SpawnOptions` for containment: `containment` and `limits`. Local only: with `host`,
 * `'cgroup'` and `limits` are refused (the remote side stops its tree by its process group).
 *
 * @example
 * ```ts
 * import { spawn$ } from 'rxproc';
 *
 * // A daemon that double-forks out of its group still dies with the run, and the exit says what it all cost.
 * spawn$('sh', ['-c', 'setsid sleep 600 & echo started'], { containment: 'cgroup' }).subscribe((event) => {
 *   if (event.type === 'exit') console.log(event.usage); // { userCpuMs: 1, systemCpuMs: 2 }
 * });
 * ```
 */
export interface ContainmentOptions {
  /** How the tree is held together and stopped. Default `'auto'`. */
  readonly containment?: Containment;
  /** Limits for the run's cgroup (needs a cgroup: `'cgroup'`, or `'auto'` where one can be made). */
  readonly limits?: ProcessLimits;
}
