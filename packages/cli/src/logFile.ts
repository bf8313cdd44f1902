import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TaskConfig } from './schema.js';

/** Where a task's log goes, and how it rotates. */
export interface LogOptions {
  readonly file: string;
  /** Rotate before a line would make the file larger than this (bytes). */
  readonly maxSize: number;
  /** Rotated files kept: file.1 (the newest) … file.keep. */
  readonly keep: number;
}

export const LOG_DEFAULTS = { maxSize: 10 * 1024 * 1024, keep: 5 } as const;

/** A task's log options from its `log` and the file's `logDir` (relative paths: from the task file's folder). */
export function logOptionsOf(name: string, task: TaskConfig, logDir: string | undefined, baseDir: string): LogOptions | undefined {
  const log = typeof task.log === 'string' ? { file: task.log } : task.log;
  const file = log?.file ?? (logDir === undefined ? undefined : `${logDir}/${name}.log`);
  if (file === undefined) return undefined;
  return { file: resolve(baseDir, file), maxSize: log?.maxSize ?? LOG_DEFAULTS.maxSize, keep: log?.keep ?? LOG_DEFAULTS.keep };
}

const open = new Set<LogFile>();
let hooked = false;

/**
 * A task's log file: each line as `<ISO 8601 time> <stream> <text>`, the stream being `stdout`, `stderr` or
 * `rxproc` (the task's lifecycle, as the console says it). Lines are stamped when they arrive and written in
 * that order, in batches (one write per turn of the event loop), with `writeSync`: nothing sits in a stream's
 * buffer, so `flush()` at a task's end, `close()` at the run's, and a last flush when the process exits (a
 * second Ctrl-C) leave every line received in the file. Rotation happens between two lines, never inside
 * one: a line goes whole to the old file or the new one. The CLI's own code rather than a package: the
 * rotating writers on npm (rotating-file-stream, pino-roll, winston's) are asynchronous streams, whose end
 * must be awaited on every exit path, and bring far more than these 100 lines.
 */
export class LogFile {
  private fd: number | undefined;
  private size: number;
  private pending: string[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  /** Opens (appends to) the file, creating its folder; throws if it cannot. */
  constructor(
    readonly options: LogOptions,
    /** Called once if a write fails: logging stops, the task goes on. */
    private readonly onError: (error: Error) => void,
  ) {
    mkdirSync(dirname(options.file), { recursive: true });
    this.fd = openSync(options.file, 'a');
    this.size = fstatSync(this.fd).size;
    open.add(this);
    if (!hooked) {
      hooked = true;
      process.on('exit', () => open.forEach((log) => log.close()));
    }
  }

  /** Queues a line, stamped now; written on the next turn of the event loop (or by `flush`). */
  write(stream: string, text: string): void {
    if (this.fd === undefined) return;
    this.pending.push(`${new Date().toISOString()} ${stream} ${text}\n`);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes every queued line now, rotating where a line would pass `maxSize`. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const lines = this.pending;
    this.pending = [];
    if (this.fd === undefined || lines.length === 0) return;
    try {
      let batch = '';
      let batchSize = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.size + batchSize + bytes > this.options.maxSize && this.size + batchSize > 0) {
          this.writeOut(batch);
          batch = '';
          batchSize = 0;
          this.rotate();
        }
        batch += line;
        batchSize += bytes;
      }
      this.writeOut(batch);
    } catch (error) {
      this.close();
      this.onError(error as Error);
    }
  }

  /** Flushes and closes; later lines are dropped. */
  close(): void {
    if (this.fd !== undefined && this.pending.length > 0) this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    open.delete(this);
  }

  private writeOut(text: string): void {
    if (text === '') return;
    const buffer = Buffer.from(text);
    for (let done = 0; done < buffer.length;) done += writeSync(this.fd!, buffer, done);
    this.size += buffer.length;
  }

  /** file → file.1 → file.2 … → file.keep (the oldest dropped); then a new, empty file. */
  private rotate(): void {
    const { file, keep } = this.options;
    closeSync(this.fd!);
    this.fd = undefined;
    for (let i = keep - 1; i >= 1; i--) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (keep > 0) renameSync(file, `${file}.1`);
    else rmSync(file, { force: true });
    this.fd = openSync(file, 'a');
    this.size = 0;
  }
}
