import type { LogEntry } from './control/protocol.js';

/** Entries kept per task (`rxproc logs -n` shows at most this many). */
export const KEPT_ENTRIES = 1000;
/** Text kept per task: long lines make the ring shorter, never the memory larger. */
export const KEPT_BYTES = 1024 * 1024;

type NewEntry = LogEntry extends infer E ? (E extends LogEntry ? Omit<E, 'seq'> : never) : never;

/**
 * Each task's recent output and events, as the run reported them, in a bounded ring per task (the last
 * KEPT_ENTRIES entries, and no more than KEPT_BYTES of text), for `rxproc logs`; and their followers.
 * Entries are numbered across tasks, so the lines of several tasks are told in the order they came.
 */
export class LogBook {
  private seq = 0;
  private readonly rings = new Map<string, { entries: LogEntry[]; bytes: number }>();
  private readonly followers = new Set<{ tasks: ReadonlySet<string>; listener: (entry: LogEntry) => void }>();

  add(entry: NewEntry): void {
    const numbered = { ...entry, seq: ++this.seq } as LogEntry;
    let ring = this.rings.get(entry.task);
    if (ring === undefined) this.rings.set(entry.task, (ring = { entries: [], bytes: 0 }));
    ring.entries.push(numbered);
    ring.bytes += sizeOf(numbered);
    while (ring.entries.length > KEPT_ENTRIES || (ring.bytes > KEPT_BYTES && ring.entries.length > 1)) ring.bytes -= sizeOf(ring.entries.shift()!);
    for (const follower of this.followers) if (follower.tasks.has(entry.task)) follower.listener(numbered);
  }

  /** The last `count` entries of these tasks together, oldest first. */
  recent(tasks: readonly string[], count: number): LogEntry[] {
    if (count === 0) return [];
    const all = tasks.flatMap((task) => this.rings.get(task)?.entries.slice(-count) ?? []);
    return all.sort((a, b) => a.seq - b.seq).slice(-count);
  }

  /** Calls `listener` with each new entry of these tasks; returns the unfollow function. */
  follow(tasks: readonly string[], listener: (entry: LogEntry) => void): () => void {
    const follower = { tasks: new Set(tasks), listener };
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }
}

function sizeOf(entry: LogEntry): number {
  return entry.kind === 'line' ? entry.line.length : entry.text.length;
}
