import { readdirSync } from 'node:fs';
import { ProcSnapshot } from './procSnapshot.js';
import { procUnits, readProcStat, type ProcUnits } from './procStat.js';
import { TaskUsage } from './taskUsage.js';
import type { UsageFigures } from './usageFigures.js';

export type { UsageFigures } from './usageFigures.js';

/** Where the meter reads, and (for specs of a made-up /proc) its units. */
export interface UsageMeterOptions {
  /** The proc file system; `/proc` unless told. */
  readonly procRoot?: string;
  /** Clock ticks per second of /proc's times; read from the kernel's auxiliary vector (else 100) unless told. */
  readonly clockTicks?: number;
  /** Bytes per page of /proc's RSS; read from the kernel's auxiliary vector (else 4096) unless told. */
  readonly pageSize?: number;
}

/**
 * The CPU time and memory of each task's process trees, read from /proc (Linux only; elsewhere it is
 * {@link available | not available} and does nothing).
 *
 * - **A task's tree**: the pids {@link track}ed for it (each stage of each run: rxproc starts each process
 *   detached, so its pid is also its process group id), every process of those groups, and every descendant
 *   (by parent pid) of any of these. A child that called `setsid()` is so counted while its chain of parents
 *   lasts; once orphaned outside the tree it no longer is. A tracked pid is that root only while its start
 *   time (stat field 22) is the one read when it was tracked: a reused pid is someone else. Once a root is
 *   gone, its group counts only the processes already known as members (its id may be reused later).
 * - **CPU** (`cpuMs`): for each live member (a zombie included), its own utime + stime plus cutime + cstime
 *   (the children it has reaped), summed. A member that is gone, if its parent is still a live member, was
 *   reaped by it (its time is in the parent's cutime now, and is not counted again); otherwise (its parent
 *   was rxproc, or it was orphaned) its last sampled total is added to the task's departed total. cpuMs is
 *   departed + live, and never goes down. What a process used after the last sample before it ended is not
 *   seen when no member reaps it (a root's last moments, at most one interval).
 * - **Memory**: `memoryBytes` is the sum of the live members' RSS now (0 when nothing runs);
 *   `peakMemoryBytes` the largest such sum sampled, and never below the VmHWM (own peak RSS) of any one
 *   member seen.
 * - **Cost**: each {@link sample} is one pass over /proc for all tasks (a readdir and one stat read per
 *   process), plus /proc/PID/status of each member; nothing when no tracked tree is left.
 *
 * @example
 * const meter = new UsageMeter();
 * meter.track('api', pid); // on each stage's spawn
 * const stop = meter.start(1000);
 * meter.usageOf('api'); // { cpuMs, memoryBytes, peakMemoryBytes }
 */
export class UsageMeter {
  /** Whether /proc can be read here (Linux). When false every call is a no-op and usageOf gives undefined. */
  readonly available: boolean;
  private readonly procRoot: string;
  private readonly tasks = new Map<string, TaskUsage>();
  private readonly units: () => ProcUnits;

  constructor(options: UsageMeterOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.available = process.platform === 'linux' && isReadableDir(this.procRoot);
    // The units are read at most once, the first time a figure needs them.
    const { clockTicks, pageSize } = options;
    this.units = () => ({ clockTicks: clockTicks ?? procUnits().clockTicks, pageSize: pageSize ?? procUnits().pageSize });
  }

  /** A process the task started (each stage's pid of each run): its tree is the task's from now on. */
  track(task: string, pid: number): void {
    if (!this.available) return;
    let usage = this.tasks.get(task);
    if (usage === undefined) this.tasks.set(task, (usage = new TaskUsage(this.procRoot, this.units)));
    // Read now: the start time tells this process from a later one given the same pid.
    usage.track(readProcStat(this.procRoot, pid));
  }

  /** Reads /proc once and updates every task's figures. Never throws (a process vanishing mid-read is normal). */
  sample(): void {
    if (!this.available) return;
    const busy = [...this.tasks.values()].filter((usage) => !usage.isIdle());
    if (busy.length === 0) return;
    try {
      const snapshot = ProcSnapshot.read(this.procRoot);
      for (const usage of busy) usage.update(snapshot);
    } catch {
      // A figure missed this time is caught up by the next sample; the supervisor must not fall over for it.
    }
  }

  /** The figures so far; undefined when nothing was tracked for the task (or /proc is not available). */
  usageOf(task: string): UsageFigures | undefined {
    return this.tasks.get(task)?.figures();
  }

  /** Samples every `intervalMs` (default 1000) on an unref'd timer; returns the cancel function. */
  start(intervalMs = 1000): () => void {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0)
      throw new TypeError(`UsageMeter.start: intervalMs must be a positive number of ms, not ${String(intervalMs)}`);
    if (!this.available) return () => undefined;
    const timer = setInterval(() => this.sample(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

function isReadableDir(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}
