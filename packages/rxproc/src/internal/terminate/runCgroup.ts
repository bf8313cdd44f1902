import { mkdirSync, rmdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import type { ProcessLimits, ProcessUsage } from '../../containmentOptions.js';
import { applyLimits } from './cgroupLimits.js';
import type { CgroupHome } from './cgroupHome.js';
import { safeRead } from './groupMembers.js';
import { signalProcess } from './signalProcess.js';

const USER_USEC = /^user_usec (\d+)$/m;
const SYSTEM_USEC = /^system_usec (\d+)$/m;

let runs = 0;
/** `memory.peak` was found missing (no memory controller for the runs): not looked for at each exit again. */
let noMemoryPeak = false;
/** How often the emptiness is checked where the kernel's notification cannot be watched (no inotify watch left). */
const FALLBACK_POLL_MS = 250;

/**
 * One run's cgroup, `HOME/run-N`: how its process is placed in it, how its tree is signalled and killed
 * (`cgroup.kill`, Linux 5.14), when it is empty (`cgroup.events`, watched), what it cost (`cpu.stat`,
 * `memory.peak`), and its removal. rxproc only ever touches cgroups it made.
 */
export class RunCgroup {
  private constructor(
    readonly path: string,
    private readonly home: CgroupHome,
  ) {}

  /** Makes a new run cgroup in the host's folder. */
  static create(home: CgroupHome): RunCgroup {
    for (;;) {
      const path = `${home.dir}/run-${++runs}`;
      try {
        mkdirSync(path);
        return new RunCgroup(path, home);
      } catch (error) {
        const { code } = error as NodeJS.ErrnoException;
        // Taken: a worker thread of this host (same pid, same folder) counts runs of its own.
        if (code === 'EEXIST') continue;
        if (code !== 'ENOENT') throw error;
        // The host's folder went (the exit reaper removes it when the host is told to exit and does not): again.
        mkdirSync(home.dir, { recursive: true });
      }
    }
  }

  /**
   * Runs `spawn` (a synchronous fork and exec) with the host inside this cgroup, then moves the host back:
   * the child is forked into the cgroup, so it is in it from its first instruction, with no extra exec.
   * Then the `limits` are written (if that fails, the cgroup is killed and the error thrown).
   */
  place<T>(spawn: () => T, limits?: ProcessLimits): T {
    writeFileSync(`${this.path}/cgroup.procs`, String(process.pid));
    let child: T;
    try {
      child = spawn();
    } finally {
      try {
        writeFileSync(`${this.home.parent}/cgroup.procs`, String(process.pid));
      } catch (error) {
        // Never left with the host inside (its kill would kill the host): the child goes, the spawn fails.
        this.signal('SIGKILL');
        // eslint-disable-next-line no-unsafe-finally -- the spawn's own result cannot stand
        throw error;
      }
    }
    // Written once the host is out: limits on the host itself (its threads against pids.max, its memory
    // against memory.max) would fail the fork or put the host at the OOM killer's mercy.
    if (limits !== undefined) {
      try {
        applyLimits(this.path, limits);
      } catch (error) {
        this.kill();
        this.whenEmpty(() => this.remove());
        throw error;
      }
    }
    return child;
  }

  /** The processes in it now. */
  pids(): number[] {
    const text = safeRead(`${this.path}/cgroup.procs`) ?? '';
    return text.split('\n').filter(Boolean).map(Number);
  }

  /** Sends `signal` to every process in it (never the host); `false` when there was none. */
  signal(signal: NodeJS.Signals): boolean {
    let any = false;
    for (const pid of this.pids()) if (pid !== process.pid && signalProcess(pid, signal) !== 'gone') any = true;
    return any;
  }

  /** SIGKILL to every process in it at once, escapees included (`cgroup.kill`); `false` when it was empty. */
  kill(): boolean {
    if (!this.populated()) return false;
    try {
      writeFileSync(`${this.path}/cgroup.kill`, '1');
    } catch {
      // a kernel before 5.14: one by one
      this.signal('SIGKILL');
    }
    return true;
  }

  /** Whether any process is in it (`cgroup.events`: `populated 1`); a cgroup that is gone is empty. */
  populated(): boolean {
    const events = safeRead(`${this.path}/cgroup.events`);
    return events !== undefined && /^populated 1$/m.test(events);
  }

  /**
   * Calls `onEmpty` once the cgroup is empty: the kernel signals each change of `cgroup.events` (inotify),
   * so nothing is polled, unless no watch can be had (the system's inotify limit): then it is checked every
   * 250 ms. Returns the cancel function.
   */
  whenEmpty(onEmpty: () => void): () => void {
    let watcher: FSWatcher | undefined;
    let poll: NodeJS.Timeout | undefined;
    let done = false;
    const stop = (): void => {
      done = true;
      watcher?.close();
      clearInterval(poll);
    };
    const check = (): void => {
      if (done || this.populated()) return;
      stop();
      onEmpty();
    };
    const pollInstead = (): void => {
      watcher?.close();
      poll ??= setInterval(check, FALLBACK_POLL_MS).unref();
    };
    try {
      watcher = watch(`${this.path}/cgroup.events`, check);
      watcher.on('error', pollInstead);
      watcher.unref();
    } catch {
      pollInstead();
    }
    // (checked after the watch is in place: a change just before it is not missed)
    check();
    return stop;
  }

  /** The memory controller was just asked for: `memory.peak` may be there now. */
  static memoryPeakMayExist(): void {
    noMemoryPeak = false;
  }

  /** What its tree has cost so far: CPU (`cpu.stat`, always there) and the memory peak where it is kept. */
  usage(): ProcessUsage {
    const stat = safeRead(`${this.path}/cpu.stat`) ?? '';
    const ms = (pattern: RegExp): number => Number(pattern.exec(stat)?.[1] ?? 0) / 1000;
    const peak = noMemoryPeak ? 0 : Number(safeRead(`${this.path}/memory.peak`));
    if (Number.isNaN(peak)) noMemoryPeak = true;
    return { userCpuMs: ms(USER_USEC), systemCpuMs: ms(SYSTEM_USEC), ...(peak > 0 ? { peakMemoryBytes: peak } : {}) };
  }

  /** Removes it (once empty; a cgroup with processes cannot be removed, and is left to the exit reaper). */
  remove(): void {
    try {
      rmdirSync(this.path);
    } catch {
      // populated or gone
    }
  }
}
