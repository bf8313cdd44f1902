import { Observable, type OperatorFunction } from 'rxjs';
import { OutputLimitError } from '../errors/OutputLimitError.js';
import { toBuffer, type ChunkOrEvent } from '../internal/io/chunks.js';
import { checkEncoding, type Decoded, type OutputEncoding } from '../internal/io/encodings.js';
import { lineSink } from '../internal/io/lineSink.js';

/** Options of {@link lines}. */
export interface LinesOptions<E extends OutputEncoding | 'buffer' = 'utf8'> {
  /**
   * Which output of a process to split; ignored for plain chunks. Default `'stdout'`. `'all'`: the lines
   * of both, each stream split on its own, each line emitted when complete (see the docs for the order).
   */
  readonly stream?: 'stdout' | 'stderr' | 'all';
  /**
   * How a line is given: `'utf8'` (default), `'utf16le'` (decoded first; `maxLineLength` then counts the
   * line's UTF-8 bytes), `'latin1'`, `'ascii'`, `'base64'`, `'base64url'`, `'hex'` (the bytes between
   * `\n`s, encoded), or `'buffer'` (those bytes as a Buffer).
   */
  readonly encoding?: E;
  /**
   * The longest line accepted, in bytes (without its terminator). A longer line fails the Observable with
   * an `OutputLimitError`, which kills the process, instead of buffering without end (unless `overlong` is
   * `'split'`). Default 16 MiB.
   */
  readonly maxLineLength?: number;
  /**
   * What a line longer than `maxLineLength` does. `'error'` (default): fails the Observable with an
   * `OutputLimitError`, which kills the process. `'split'`: the line is emitted in pieces of at most
   * `maxLineLength` bytes, cut at UTF-8 character boundaries, as soon as they are complete: nothing is lost,
   * the pieces concatenate to the line, and memory stays bounded (for logs you print, not parse).
   */
  readonly overlong?: 'error' | 'split';
}

/** The default `maxLineLength`: 16 MiB. */
export const DEFAULT_MAX_LINE_LENGTH = 16 * 1024 * 1024;

/**
 * Splits a process's output (or any stream of string/byte chunks) into lines of UTF-8 text (or of the
 * chosen `encoding`).
 *
 * Splits on `\n` and `\r\n`, also when the two bytes of a `\r\n`, or the bytes of one UTF-8 character,
 * arrive in different chunks. A lone `\r` (a progress bar's carriage return) is kept as an ordinary
 * character of the line. A last line without a terminator is emitted at the process's `exit` event (which
 * comes after all its output) or when the source completes, and what was received is emitted before an
 * upstream error is passed on. At a `restart` event (from `retryOnExit`) the previous run's unfinished last
 * line is emitted, not glued to the next run's output.
 *
 * @example
 * ```ts
 * import { spawn$, lines } from 'rxproc';
 *
 * spawn$('git', ['log', '--oneline']).pipe(lines()).subscribe((line) => console.log(line));
 * spawn$('make').pipe(lines({ stream: 'stderr' })).subscribe((line) => console.error('make:', line));
 * // A log that may hold a huge line: print it in 1 MiB pieces rather than fail.
 * spawn$('./server').pipe(lines({ maxLineLength: 1 << 20, overlong: 'split' })).subscribe((line) => console.log(line));
 * // The lines of stdout and stderr both; and lines in Latin-1.
 * spawn$('make').pipe(lines({ stream: 'all' })).subscribe((line) => console.log(line));
 * spawn$('cat', ['legacy.txt']).pipe(lines({ encoding: 'latin1' })).subscribe((line) => console.log(line));
 * ```
 *
 * @param options See {@link LinesOptions}.
 * @returns An operator emitting one string (a Buffer with `encoding: 'buffer'`) per line, without the terminator. It errors with an
 *   `OutputLimitError` when a line exceeds `maxLineLength` (with `overlong: 'error'`), with a `TypeError` when the source emits
 *   something that is neither a chunk nor a process event, and with the source's own error otherwise.
 * @throws TypeError at call time when an option is invalid.
 */
export function lines<E extends OutputEncoding | 'buffer' = 'utf8'>(options?: LinesOptions<E>): OperatorFunction<ChunkOrEvent, Decoded<E>>;
export function lines(options: LinesOptions<OutputEncoding | 'buffer'> = {}): OperatorFunction<ChunkOrEvent, string | Buffer> {
  const { stream = 'stdout', maxLineLength = DEFAULT_MAX_LINE_LENGTH, overlong = 'error', encoding = 'utf8' } = options;
  if (stream !== 'stdout' && stream !== 'stderr' && stream !== 'all') {
    throw new TypeError(`lines: option "stream" must be 'stdout', 'stderr' or 'all', got ${String(stream)}`);
  }
  checkEncoding('lines', encoding);
  if (!Number.isSafeInteger(maxLineLength) || maxLineLength < 1) {
    throw new TypeError(`lines: option "maxLineLength" must be a whole number of bytes ≥ 1, got ${String(maxLineLength)}`);
  }
  if (overlong !== 'error' && overlong !== 'split') {
    throw new TypeError(`lines: option "overlong" must be 'error' or 'split', got ${String(overlong)}`);
  }
  return (source) =>
    new Observable<string | Buffer>((subscriber) => {
      const sink = (name: 'stdout' | 'stderr') =>
        lineSink(
          encoding,
          maxLineLength,
          (line) => subscriber.next(line),
          () => {
            // 'split': the splitter cuts the line into pieces and goes on.
            if (overlong === 'split') return true;
            subscriber.error(new OutputLimitError(name, 'maxLineLength', maxLineLength));
            return false;
          },
        );
      // With 'all', each stream has its own splitter: a line of one is never glued to the other's.
      const sinks = stream === 'all' ? { stdout: sink('stdout'), stderr: sink('stderr') } : { [stream]: sink(stream) };
      const end = () => {
        sinks.stdout?.end();
        sinks.stderr?.end();
      };
      let lastStage: number | undefined;
      return source.subscribe({
        next: (value) => {
          if (subscriber.closed) return;
          // Under 'all', a plain chunk counts as stdout.
          const from =
            stream !== 'all' ? stream : typeof value === 'object' && !(value instanceof Uint8Array) && value?.type === 'stderr' ? 'stderr' : 'stdout';
          const chunk = toBuffer(value, from);
          if (chunk instanceof Buffer) sinks[from]!.push(chunk);
          else if (chunk instanceof TypeError) subscriber.error(new TypeError(`lines: ${chunk.message}`));
          // The run's exit comes after all its output; a new run (retryOnExit) after the previous exit: the
          // unfinished last line is a line of its own.
          // In a pipeline only the last stage's exit counts (the highest stage spawned so far).
          else if (typeof value === 'object' && !(value instanceof Uint8Array)) {
            const { stage } = value as { stage?: number };
            if (value.type === 'spawn') lastStage = stage === undefined || lastStage === undefined ? stage : Math.max(lastStage, stage);
            else if (value.type === 'restart' || (value.type === 'exit' && (stage === undefined || stage === lastStage))) end();
          }
        },
        error: (error: unknown) => {
          end();
          subscriber.error(error);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      });
    });
}
