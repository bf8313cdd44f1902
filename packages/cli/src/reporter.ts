import { createColors } from 'picocolors';

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
  ) {
    this.colors = createColors(color);
    const c = this.colors;
    const palette: Paint[] = [c.cyan, c.magenta, c.yellow, c.green, c.blue, c.redBright, c.cyanBright, c.magentaBright];
    names.forEach((name, i) => this.paints.set(name, palette[i % palette.length]!));
    this.width = Math.max('rxproc'.length, ...names.map((n) => n.length));
  }

  /** A line of a task's output. */
  line(task: string, stream: 'stdout' | 'stderr', text: string, pid: number | undefined): void {
    if (this.json) return this.emit({ task, pid, stream, line: text });
    const mark = stream === 'stderr' ? this.colors.red('!') : '|';
    this.write(`${(this.paints.get(task) ?? this.colors.bold)(task.padEnd(this.width))} ${mark} ${text}\n`);
  }

  /** Something that happened to a task: spawn, ready, exit, restart, stop. */
  event(task: string, event: string, details: Record<string, unknown>, text: string): void {
    if (this.json) return this.emit({ task, event, ...details });
    this.info(`${(this.paints.get(task) ?? String)(task)} ${text}`);
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
      const rounded = results.map((r) => ({ ...r, durationMs: r.durationMs === null ? null : Math.round(r.durationMs) }));
      return this.emit({ event: 'summary', exitCode, tasks: rounded });
    }
    this.info('summary:');
    for (const r of results) {
      const duration = r.durationMs === null ? '-' : `${(r.durationMs / 1000).toFixed(1)} s`;
      const restarts = r.restarts === 1 ? '1 restart' : `${r.restarts} restarts`;
      const ok = r.exitCode === 0 && r.signal === null;
      const result = ok ? this.colors.green(r.result) : r.result.startsWith('stopped') ? this.colors.yellow(r.result) : this.colors.red(r.result);
      this.info(`  ${(this.paints.get(r.task) ?? String)(r.task.padEnd(this.width))}  ${result.padEnd(24)}  ${restarts.padEnd(11)}  ${duration}`);
    }
  }

  private write(text: string): void {
    if (!this.muted) this.out(text);
  }

  private emit(record: Record<string, unknown>): void {
    this.write(`${JSON.stringify(record)}\n`);
  }
}
