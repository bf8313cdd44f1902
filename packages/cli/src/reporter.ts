import { createColors } from 'picocolors';
import { formatBytes, formatCpu, formatDuration } from './figures.js';
import type { LogBook } from './logBook.js';

type Colors = ReturnType<typeof createColors>;
type Paint = (text: string) => string;

/** Whether to colour: FORCE_COLOR wins, then NO_COLOR, then whether stdout is a terminal. */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR !== undefined) return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

/** How one task ended, for the summary. */
export interface TaskResult {
  readonly task: string;
  readonly result: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly restarts: number;
  readonly durationMs: number | null;
  /** CPU time of the task's trees (null: not measured, e.g. a remote task). */
  readonly cpuMs: number | null;
  /** The most memory its tree held at once (null: not measured). */
  readonly peakMemoryBytes: number | null;
}

/**
 * Everything rxproc prints. Text: each line prefixed with its task's name in the task's own colour, stderr
 * marked with `!`, rxproc's own messages under `rxproc`; a line is always written whole, so lines of
 * different tasks never interleave mid-line. JSON (`--json`): one object per line for other tools.
 */
export class Reporter {
  private readonly colors: Colors;
  private readonly paints = new Map<string, Paint>();
  private readonly width: number;
  private muted = false;

  constructor(
    names: readonly string[],
    private readonly json: boolean,
    color: boolean,
    private readonly out: (text: string) => void = (text) => process.stdout.write(text),
    /** Keeps each task's recent lines and events for `rxproc logs`. */
    private readonly book?: LogBook,
  ) {
    this.colors = createColors(color);
    const c = this.colors;
    const palette: Paint[] = [c.cyan, c.magenta, c.yellow, c.green, c.blue, c.redBright, c.cyanBright, c.magentaBright];
    names.forEach((name, i) => this.paints.set(name, palette[i % palette.length]!));
    this.width = Math.max('rxproc'.length, ...names.map((n) => n.length));
  }

  /** A line of a task's output. */
  line(task: string, stream: 'stdout' | 'stderr', text: string, pid: number | undefined): void {
    this.book?.line(task, stream, text, pid);
    if (this.json) return this.emit({ task, pid, stream, line: text });
    const mark = stream === 'stderr' ? this.colors.red('!') : '|';
    this.write(`${(this.paints.get(task) ?? this.colors.bold)(task.padEnd(this.width))} ${mark} ${text}\n`);
  }

  /** Something that happened to a task: spawn, ready, exit, restart, stop. */
  event(task: string, event: string, details: Record<string, unknown>, text: string): void {
    this.book?.event(task, event, details, text);
    if (this.json) return this.emit({ task, event, ...details });
    this.info(`${(this.paints.get(task) ?? String)(task)} ${text}`);
  }

  /** A request of `rxproc restart`, `stop` or `start`, once accepted: what was asked, before it is done. */
  control(command: string, tasks: readonly string[], text: string): void {
    if (this.json) return this.emit({ event: 'control', command, tasks });
    this.info(text);
  }

  /** Nothing more is printed (the reader of our output went away). */
  mute(): void {
    this.muted = true;
  }

  /** One of rxproc's own messages. */
  info(text: string): void {
    if (this.json) return this.emit({ event: 'info', message: text });
    this.write(`${this.colors.dim('rxproc'.padEnd(this.width))} ${this.colors.dim('|')} ${text}\n`);
  }

  /** The closing table: each task's end, restarts and duration. */
  summary(results: readonly TaskResult[], exitCode: number): void {
    if (this.json) {
      const round = (value: number | null): number | null => (value === null ? null : Math.round(value));
      const rounded = results.map((r) => ({ ...r, durationMs: round(r.durationMs), cpuMs: round(r.cpuMs) }));
      return this.emit({ event: 'summary', exitCode, tasks: rounded });
    }
    this.info('summary:');
    const resultWidth = Math.max(24, ...results.map((r) => r.result.length));
    for (const r of results) {
      const duration = formatDuration(r.durationMs);
      // What its trees cost, where measured (a task on this machine).
      const cost = r.cpuMs === null ? '' : `  cpu ${formatCpu(r.cpuMs).padEnd(8)}  peak ${formatBytes(r.peakMemoryBytes)}`;
      const restarts = r.restarts === 1 ? '1 restart' : `${r.restarts} restarts`;
      const ok = r.exitCode === 0 && r.signal === null;
      // Padded before it is coloured: the colour's escapes take no room on the screen.
      const text = r.result.padEnd(resultWidth);
      const result = ok ? this.colors.green(text) : r.result.startsWith('stopped') ? this.colors.yellow(text) : this.colors.red(text);
      this.info(
        `  ${(this.paints.get(r.task) ?? String)(r.task.padEnd(this.width))}  ${result}  ${restarts.padEnd(11)}  ${duration.padEnd(8)}${cost}`.trimEnd(),
      );
    }
  }

  private write(text: string): void {
    if (!this.muted) this.out(text);
  }

  private emit(record: Record<string, unknown>): void {
    this.write(`${JSON.stringify(record)}\n`);
  }
}
