import { Observable, type OperatorFunction } from 'rxjs';
import { attachOutput } from '../errors/attachOutput.js';
import { OutputLimitError } from '../errors/OutputLimitError.js';
import type { ProcessEvent, RestartEvent } from '../events.js';
import { checkEncoding, type Decoded, type OutputEncoding } from '../internal/io/encodings.js';
import { OutputCollector } from '../internal/io/outputCollector.js';

/** Options of {@link collectOutput}. */
export interface CollectOutputOptions<E extends OutputEncoding | 'buffer' = OutputEncoding | 'buffer', A extends boolean = boolean> {
  /**
   * `'utf8'` (default) decodes stdout and stderr to strings; `'utf16le'`, `'latin1'`, `'ascii'`,
   * `'base64'`, `'base64url'` and `'hex'` decode (or encode) with Node's encoding of that name; `'buffer'`
   * keeps the bytes. Each stream is decoded as a whole: a character or a base64 group split across chunks
   * stays whole.
   */
  readonly encoding?: E;
  /**
   * The most bytes kept of each stream. More fails with an `OutputLimitError` naming the stream, which
   * kills the process. Default 100 MiB.
   */
  readonly maxBuffer?: number;
  /** `true` adds `all`: stdout and stderr in the order they were read (see the docs for what that order means). */
  readonly all?: A;
}

/** What {@link collectOutput} emits: everything a finished process said, and how it ended. */
export interface CollectedOutput<T extends string | Buffer = string> {
  readonly stdout: T;
  readonly stderr: T;
  /** stdout and stderr in the order they were read: only with `all: true`. */
  readonly all?: T;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly pid: number;
  readonly durationMs: number;
}

/**
 * What `collectOutput(options)` emits for an `encoding` of type `E` and an `all` of type `A`.
 *
 * @example
 * ```ts
 * import { spawn$, collectOutput, type CollectedOutputOf } from 'rxproc';
 *
 * const report = ({ all, exitCode }: CollectedOutputOf<'utf8', true>) => console.log(exitCode, all);
 * spawn$('make').pipe(collectOutput({ all: true })).subscribe(report);
 * ```
 */
export type CollectedOutputOf<E extends OutputEncoding | 'buffer', A extends boolean> = A extends true
  ? CollectedOutput<Decoded<E>> & { readonly all: Decoded<E> }
  : CollectedOutput<Decoded<E>>;

/** The default `maxBuffer`: 100 MiB per stream. */
export const DEFAULT_MAX_BUFFER = 100 * 1024 * 1024;

/**
 * Collects a process's output and emits it once, with its exit status, when the process completes.
 *
 * @example
 * ```ts
 * import { spawn$, collectOutput } from 'rxproc';
 *
 * spawn$('git', ['rev-parse', 'HEAD']).pipe(collectOutput()).subscribe(({ stdout, durationMs }) => {
 *   console.log(stdout.trim(), `${durationMs.toFixed(0)} ms`);
 * });
 * // Both streams in the order they were read; on failure, what was said until then.
 * spawn$('make').pipe(collectOutput({ all: true })).subscribe({
 *   next: ({ all }) => console.log(all),
 *   error: (err) => console.error(err.message, err.output?.all),
 * });
 * ```
 *
 * @param options See {@link CollectOutputOptions}.
 * @returns An operator emitting one {@link CollectedOutput} (strings, or Buffers with `encoding: 'buffer'`)
 *   when the source completes; `pid`, `exitCode`, `signal` and `durationMs` are the last `exit` event's.
 *   Errors pass through, and a `ProcessError` carries the output collected so far as `error.output`
 *   (`stdout`, `stderr`, and `all` when asked, in the encoding); more than `maxBuffer` bytes on a stream
 *   fails with an `OutputLimitError` whose `output` holds the output up to the limit; a source that
 *   completes without an `exit` event fails with a `TypeError`. On a pipeline, `stderr` holds every
 *   stage's stderr.
 * @throws TypeError at call time when an option is invalid.
 */
export function collectOutput<E extends OutputEncoding | 'buffer' = 'utf8', A extends boolean = false>(
  options?: CollectOutputOptions<E, A>,
): OperatorFunction<ProcessEvent | Pick<RestartEvent, 'type'>, CollectedOutputOf<E, A>>;
export function collectOutput(
  options: CollectOutputOptions = {},
): OperatorFunction<ProcessEvent | Pick<RestartEvent, 'type'>, CollectedOutput<string | Buffer>> {
  const { encoding = 'utf8', maxBuffer = DEFAULT_MAX_BUFFER, all = false } = options;
  checkEncoding('collectOutput', encoding);
  if (!(Number.isSafeInteger(maxBuffer) && maxBuffer >= 0) && maxBuffer !== Infinity) {
    throw new TypeError(`collectOutput: option "maxBuffer" must be a whole number of bytes ≥ 0 (or Infinity), got ${String(maxBuffer)}`);
  }
  if (typeof all !== 'boolean') throw new TypeError(`collectOutput: option "all" must be true or false, got ${String(all)}`);
  return (source) =>
    new Observable((subscriber) => {
      const output = new OutputCollector(encoding, maxBuffer, all);
      let exit: Extract<ProcessEvent, { type: 'exit' }> | undefined;
      return source.subscribe({
        next: (event) => {
          if (event.type === 'stdout' || event.type === 'stderr') {
            if (subscriber.closed || output.push(event.type, event.data)) return;
            subscriber.error(attachOutput(new OutputLimitError(event.type, 'maxBuffer', maxBuffer), () => output.decode()));
          } else if (event.type === 'exit') {
            exit = event;
          } else if (event.type === 'restart') {
            output.reset();
            exit = undefined;
          }
        },
        error: (error: unknown) => subscriber.error(attachOutput(error, () => output.decode())),
        complete: () => {
          if (exit === undefined) {
            subscriber.error(new TypeError('collectOutput: the source completed without an exit event; is it a process?'));
            return;
          }
          const { exitCode, signal, pid, durationMs } = exit;
          subscriber.next({ ...output.decode(), exitCode, signal, pid, durationMs });
          subscriber.complete();
        },
      });
    });
}
