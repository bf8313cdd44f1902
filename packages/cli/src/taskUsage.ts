import { readPeakRssBytes, type ProcStat, type ProcUnits } from './procStat.js';
import type { ProcSnapshot } from './procSnapshot.js';
import type { UsageFigures } from './usageFigures.js';

/** A process the task started, known by its pid and its start time (so that a reused pid is not taken for it). */
interface Root {
  readonly pid: number;
  readonly startTime: string;
}

/**
 * One task's process trees and what they have cost, updated from each snapshot of /proc (the accounting
 * behind `UsageMeter`, whose JSDoc states the rules).
 */
export class TaskUsage {
  private roots: Root[] = [];
  /** The members of the last sample (or tracked since), as last seen. */
  private members = new Map<number, ProcStat>();
  /** CPU ticks of members gone where no member's cutime/cstime took them in. */
  private departedTicks = 0;
  private cpuMs = 0;
  private memoryBytes = 0;
  private peakMemoryBytes = 0;

  constructor(
    private readonly procRoot: string,
    private readonly units: () => ProcUnits,
  ) {}

  /** A root the task started, as read at once; `undefined` (gone already) adds nothing. */
  track(stat: ProcStat | undefined): void {
    if (stat === undefined || this.roots.some((root) => root.pid === stat.pid && root.startTime === stat.startTime)) return;
    this.roots.push({ pid: stat.pid, startTime: stat.startTime });
    // Seen from now on: should it end before the next sample, what it had used is not lost.
    if (!this.members.has(stat.pid)) this.members.set(stat.pid, stat);
  }

  /** Nothing of the task is alive or awaited: a sample has nothing to look at for it. */
  isIdle(): boolean {
    return this.roots.length === 0 && this.members.size === 0;
  }

  /** The figures so far. */
  figures(): UsageFigures {
    return { cpuMs: this.cpuMs, memoryBytes: this.memoryBytes, peakMemoryBytes: this.peakMemoryBytes };
  }

  /** Updates the figures from one pass over /proc. */
  update(snapshot: ProcSnapshot): void {
    const members = this.membersIn(snapshot);
    for (const [pid, last] of this.members) {
      if (members.get(pid)?.startTime === last.startTime) continue;
      // Gone (or out of the tree). If its parent is still the same member, the parent reaped it: its time is
      // in the parent's cutime/cstime now, and counting it here too would count it twice.
      const parent = members.get(last.ppid);
      if (parent !== undefined && parent.startTime === this.members.get(last.ppid)?.startTime) continue;
      this.departedTicks += last.ownTicks + last.childTicks;
    }
    this.members = members;
    const { clockTicks, pageSize } = this.units();
    let liveTicks = 0;
    let rssPages = 0;
    for (const stat of members.values()) {
      liveTicks += stat.ownTicks + stat.childTicks;
      rssPages += stat.rssPages;
      // A zombie's memory is gone (no VmHWM left to read).
      if (stat.state !== 'Z') this.peakMemoryBytes = Math.max(this.peakMemoryBytes, readPeakRssBytes(this.procRoot, stat.pid));
    }
    this.cpuMs = Math.max(this.cpuMs, ((this.departedTicks + liveTicks) * 1000) / clockTicks);
    this.memoryBytes = rssPages * pageSize;
    this.peakMemoryBytes = Math.max(this.peakMemoryBytes, this.memoryBytes);
  }

  /**
   * The task's tree in `snapshot`: the roots that are still themselves, the processes of their groups, and
   * every descendant of these. A root that is gone is dropped once nothing of its group is left.
   */
  private membersIn(snapshot: ProcSnapshot): Map<number, ProcStat> {
    const seeds: number[] = [];
    this.roots = this.roots.filter((root) => {
      const alive = snapshot.stats.get(root.pid)?.startTime === root.startTime;
      if (alive) seeds.push(root.pid);
      // While the root lives its pid cannot be another group's id; once it is gone, its id may be reused
      // (once the group is empty), so only processes already known as members still count by group.
      const group = snapshot.groupOf(root.pid).filter((pid) => alive || snapshot.stats.get(pid)?.startTime === this.members.get(pid)?.startTime);
      seeds.push(...group);
      return alive || group.length > 0;
    });
    const members = new Map<number, ProcStat>();
    const queue = seeds;
    for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
      const stat = snapshot.stats.get(pid);
      if (stat === undefined || members.has(pid)) continue;
      members.set(pid, stat);
      queue.push(...snapshot.childrenOf(pid));
    }
    this.dropReapedWhileReading(snapshot, members);
    return members;
  }

  /**
   * A child read before its parent may have been reaped in between: its time is then in the parent's
   * cutime as read, and also in its own stat. Such a child, gone when looked at again, is left out (it
   * counts through its parent).
   */
  private dropReapedWhileReading(snapshot: ProcSnapshot, members: Map<number, ProcStat>): void {
    for (const [pid, stat] of members) {
      if (members.has(stat.ppid) && snapshot.readBefore(pid, stat.ppid) && !snapshot.stillThere(pid)) members.delete(pid);
    }
  }
}
