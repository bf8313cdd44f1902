import type { LogEntry } from './control/protocol.js';

/** Entries kept per task (`rxproc logs -n` shows at most this many). */
export const KEPT_ENTRIES = 1000;
/** Text kept per task: long lines make the ring shorter, never the memory larger. */
export const KEPT_BYTES = 1024 * 1024;

type EventEntry = Extract<LogEntry, { kind: 'event' }>;
const STDOUT = 0;
const STDERR = 1;
const EVENT = 2;

/**
 * One task's ring, in parallel arrays written round: keeping a line allocates nothing (the line's own text
 * aside), whatever the output's rate; entries are built only when `rxproc logs` asks.
 */
class Ring {
  private readonly texts: string[] = new Array<string>(KEPT_ENTRIES).fill('');
  private readonly seqs = new Float64Array(KEPT_ENTRIES);
  private readonly pids = new Int32Array(KEPT_ENTRIES);
  private readonly kinds = new Uint8Array(KEPT_ENTRIES);
  /** The events' own fields, by slot (events are rare). */
  private readonly events = new Map<number, Pick<EventEntry, 'event' | 'details'>>();
  private start = 0;
  private size = 0;
  private bytes = 0;

  constructor(private readonly task: string) {}

  push(seq: number, kind: number, text: string, pid: number | undefined, event?: Pick<EventEntry, 'event' | 'details'>): void {
    if (this.size === KEPT_ENTRIES) this.dropOldest();
    const slot = (this.start + this.size) % KEPT_ENTRIES;
    this.texts[slot] = text;
    this.seqs[slot] = seq;
    this.pids[slot] = pid ?? -1;
    this.kinds[slot] = kind;
    if (event !== undefined) this.events.set(slot, event);
    this.size++;
    this.bytes += text.length;
    while (this.bytes > KEPT_BYTES && this.size > 1) this.dropOldest();
  }

  /** The last `count` entries, oldest first. */
  last(count: number): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = Math.max(0, this.size - count); i < this.size; i++) out.push(this.entry((this.start + i) % KEPT_ENTRIES));
    return out;
  }

  private entry(slot: number): LogEntry {
    const [seq, task, kind] = [this.seqs[slot]!, this.task, this.kinds[slot]];
    if (kind === EVENT) return { seq, task, kind: 'event', ...this.events.get(slot)!, text: this.texts[slot]! };
    const pid = this.pids[slot] === -1 ? undefined : this.pids[slot];
    return { seq, task, kind: 'line', stream: kind === STDERR ? 'stderr' : 'stdout', line: this.texts[slot]!, pid };
  }

  private dropOldest(): void {
    this.bytes -= this.texts[this.start]!.length;
    this.texts[this.start] = '';
    this.events.delete(this.start);
    this.start = (this.start + 1) % KEPT_ENTRIES;
    this.size--;
  }
}

/**
 * Each task's recent output and events, as the run reported them, in a bounded ring per task (the last
 * KEPT_ENTRIES entries, and no more than KEPT_BYTES of text), for `rxproc logs`; and their followers.
 * Entries are numbered across tasks, so the lines of several tasks are told in the order they came.
 */
export class LogBook {
  private seq = 0;
  private readonly rings = new Map<string, Ring>();
  private readonly followers = new Set<{ tasks: ReadonlySet<string>; listener: (entry: LogEntry) => void }>();

  /** A line of a task's output. */
  line(task: string, stream: 'stdout' | 'stderr', line: string, pid: number | undefined): void {
    const seq = ++this.seq;
    this.ring(task).push(seq, stream === 'stderr' ? STDERR : STDOUT, line, pid);
    if (this.followers.size > 0) this.tell({ seq, task, kind: 'line', stream, line, pid });
  }

  /** Something that happened to a task, as the run said it. */
  event(task: string, event: string, details: Record<string, unknown>, text: string): void {
    const seq = ++this.seq;
    this.ring(task).push(seq, EVENT, text, undefined, { event, details });
    if (this.followers.size > 0) this.tell({ seq, task, kind: 'event', event, details, text });
  }

  /** The last `count` entries of these tasks together, oldest first. */
  recent(tasks: readonly string[], count: number): LogEntry[] {
    if (count === 0) return [];
    const all = tasks.flatMap((task) => this.rings.get(task)?.last(count) ?? []);
    return all.sort((a, b) => a.seq - b.seq).slice(-count);
  }

  /** Calls `listener` with each new entry of these tasks; returns the unfollow function. */
  follow(tasks: readonly string[], listener: (entry: LogEntry) => void): () => void {
    const follower = { tasks: new Set(tasks), listener };
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  private ring(task: string): Ring {
    let ring = this.rings.get(task);
    if (ring === undefined) this.rings.set(task, (ring = new Ring(task)));
    return ring;
  }

  private tell(entry: LogEntry): void {
    for (const follower of this.followers) if (follower.tasks.has(entry.task)) follower.listener(entry);
  }
}
