import { mkdirSync, readFileSync, rmdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import type { ProcessLimits, ProcessUsage } from '../../containmentOptions.js';
import { applyLimits } from './cgroupLimits.js';
import type { CgroupHome } from './cgroupHome.js';
import { signalProcess } from './signalProcess.js';

let runs = 0;

/**
 * One run's cgroup, `HOME/run-N`: how its process is placed in it, how its tree is signalled and killed
 * (`cgroup.kill`, Linux 5.14), when it is empty (`cgroup.events`, watched), what it cost (`cpu.stat`,
 * `memory.peak`), and its removal. rxproc only ever touches cgroups it made.
 */
export class RunCgroup {
  /** The host could not move back out after a spawn: `cgroup.kill` would kill it too, so it is never used. */
  private hostInside = false;

  private constructor(
    readonly path: string,
    private readonly home: CgroupHome,
  ) {}

  /** Makes a new run cgroup in the host's folder. */
  static create(home: CgroupHome): RunCgroup {
    const path = `${home.dir}/run-${++runs}`;
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The host's folder went (the exit reaper removes it when the host is told to exit and does not): again.
      mkdirSync(home.dir);
      mkdirSync(path);
    }
    return new RunCgroup(path, home);
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
      } catch {
        this.hostInside = true;
      }
    }
    // Written once the host is out: limits on the host itself (its threads against pids.max, its memory
    // against memory.max) would fail the fork or put the host at the OOM killer's mercy.
    if (limits !== undefined) {
      try {
        applyLimits(this.path, limits);
      } catch (error) {
        this.kill();
        throw error;
      }
    }
    return child;
  }

  /** The processes in it now. */
  pids(): number[] {
    const text = read(`${this.path}/cgroup.procs`) ?? '';
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
    if (this.hostInside) return this.signal('SIGKILL');
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
    const events = read(`${this.path}/cgroup.events`);
    return events !== undefined && /^populated 1$/m.test(events) && !(this.hostInside && this.pids().every((pid) => pid === process.pid));
  }

  /**
   * Calls `onEmpty` once the cgroup is empty: the kernel signals each change of `cgroup.events` (inotify),
   * so nothing is polled. Returns the cancel function.
   */
  whenEmpty(onEmpty: () => void): () => void {
    let watcher: FSWatcher | undefined;
    let done = false;
    const check = (): void => {
      if (done || this.populated()) return;
      done = true;
      watcher?.close();
      onEmpty();
    };
    try {
      watcher = watch(`${this.path}/cgroup.events`, check);
      watcher.on('error', check);
      watcher.unref();
    } catch {
      // gone already
    }
    // (checked after the watch is in place: a change just before it is not missed)
    check();
    return () => {
      done = true;
      watcher?.close();
    };
  }

  /** What its tree has cost so far: CPU (`cpu.stat`, always there) and the memory peak where it is kept. */
  usage(): ProcessUsage {
    const stat = read(`${this.path}/cpu.stat`) ?? '';
    const field = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0) / 1000;
    const peak = Number(read(`${this.path}/memory.peak`));
    return { userCpuMs: field('user_usec'), systemCpuMs: field('system_usec'), ...(peak > 0 ? { peakMemoryBytes: peak } : {}) };
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

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
