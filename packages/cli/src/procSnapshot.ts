import { readdirSync } from 'node:fs';
import { readProcStat, type ProcStat } from './procStat.js';

const NO_PIDS: readonly number[] = [];

/**
 * One pass over /proc: the stat of every process (a readdir, then one read per pid), indexed by parent and
 * by process group. Not atomic: a process listed by the readdir may be gone by the time its stat is read
 * (it is then simply not in the snapshot), and processes are read one after another (see {@link readBefore}).
 */
export class ProcSnapshot {
  /** Every process read, in reading order. */
  readonly stats = new Map<number, ProcStat>();
  private readonly order = new Map<number, number>();
  private readonly children = new Map<number, number[]>();
  private readonly groups = new Map<number, number[]>();

  private constructor(private readonly procRoot: string) {}

  /** Scans `procRoot`; never throws (an unreadable /proc gives an empty snapshot). */
  static read(procRoot: string): ProcSnapshot {
    const snapshot = new ProcSnapshot(procRoot);
    let names: string[];
    try {
      names = readdirSync(procRoot);
    } catch {
      return snapshot;
    }
    // In pid order, as /proc lists them anyway: a parent is mostly read before its children.
    const pids = names.map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
    for (const pid of pids.sort((a, b) => a - b)) {
      const stat = readProcStat(procRoot, pid);
      if (stat !== undefined) snapshot.add(stat);
    }
    return snapshot;
  }

  private add(stat: ProcStat): void {
    this.order.set(stat.pid, this.order.size);
    this.stats.set(stat.pid, stat);
    push(this.children, stat.ppid, stat.pid);
    push(this.groups, stat.pgid, stat.pid);
  }

  /** The pids whose parent is `pid`. */
  childrenOf(pid: number): readonly number[] {
    return this.children.get(pid) ?? NO_PIDS;
  }

  /** The pids whose process group id is `pgid`. */
  groupOf(pgid: number): readonly number[] {
    return this.groups.get(pgid) ?? NO_PIDS;
  }

  /** Whether `pid`'s stat was read before `other`'s (both in the snapshot). */
  readBefore(pid: number, other: number): boolean {
    return (this.order.get(pid) ?? 0) < (this.order.get(other) ?? 0);
  }

  /** Whether the process read as `pid` is still there now (same start time; a zombie counts). */
  stillThere(pid: number): boolean {
    const then = this.stats.get(pid);
    return then !== undefined && readProcStat(this.procRoot, pid)?.startTime === then.startTime;
  }
}

function push(index: Map<number, number[]>, key: number, pid: number): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [pid]);
  else list.push(pid);
}
