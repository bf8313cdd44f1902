import { Observable, type OperatorFunction } from 'rxjs';
import { OutputLimitError } from '../errors/OutputLimitError.js';
import type { ProcessEvent, RestartEvent } from '../events.js';

/** Options of {@link collectOutput}. */
export interface CollectOutputOptions<E extends 'utf8' | 'buffer' = 'utf8' | 'buffer'> {
  /** `'utf8'` (default) decodes stdout and stderr to strings; `'buffer'` keeps the bytes. */
  readonly encoding?: E;
  /**
   * The most bytes kept of each stream. More fails with an `OutputLimitError` naming the stream, which
   * kills the process. Default 100 MiB.
   */
  readonly maxBuffer?: number;
}

/** What {@link collectOutput} emits: everything a finished process said, and how it ended. */
export interface CollectedOutput<T extends string | Buffer = string> {
  readonly stdout: T;
  readonly stderr: T;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly pid: number;
  readonly durationMs: number;
}

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
 * ```
 *
 * @param options See {@link CollectOutputOptions}.
 * @returns An operator emitting one {@link CollectedOutput} (strings, or Buffers with `encoding: 'buffer'`)
 *   when the source completes. Errors pass through (a `ProcessExitError` carries the tail of stderr); more
 *   than `maxBuffer` bytes on a stream fails with an `OutputLimitError`; a source that completes without
 *   an `exit` event fails with a `TypeError`. On a pipeline, `stderr` holds every stage's stderr.
 * @throws TypeError at call time when an option is invalid.
 */
export function collectOutput(options?: CollectOutputOptions<'utf8'>): OperatorFunction<ProcessEvent | Pick<RestartEvent, 'type'>, CollectedOutput<string>>;
export function collectOutput(options: CollectOutputOptions<'buffer'>): OperatorFunction<ProcessEvent | Pick<RestartEvent, 'type'>, CollectedOutput<Buffer>>;
export function collectOutput(
  options: CollectOutputOptions = {},
): OperatorFunction<ProcessEvent | Pick<RestartEvent, 'type'>, CollectedOutput<string> | CollectedOutput<Buffer>> {
  const { encoding = 'utf8', maxBuffer = DEFAULT_MAX_BUFFER } = options;
  if (encoding !== 'utf8' && encoding !== 'buffer') {
    throw new TypeError(`collectOutput: option "encoding" must be 'utf8' or 'buffer', got ${String(encoding)}`);
  }
  if (!(Number.isSafeInteger(maxBuffer) && maxBuffer >= 0) && maxBuffer !== Infinity) {
    throw new TypeError(`collectOutput: option "maxBuffer" must be a whole number of bytes ≥ 0 (or Infinity), got ${String(maxBuffer)}`);
  }
  return (source) =>
    new Observable((subscriber) => {
      let chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      let sizes = { stdout: 0, stderr: 0 };
      let exit: Extract<ProcessEvent, { type: 'exit' }> | undefined;
      return source.subscribe({
        next: (event) => {
          if (event.type === 'stdout' || event.type === 'stderr') {
            const size = (sizes[event.type] += event.data.length);
            if (size > maxBuffer) subscriber.error(new OutputLimitError(event.type, 'maxBuffer', maxBuffer));
            else chunks[event.type].push(event.data);
          } else if (event.type === 'exit') {
            exit = event;
          } else if (event.type === 'restart') {
            chunks = { stdout: [], stderr: [] };
            sizes = { stdout: 0, stderr: 0 };
            exit = undefined;
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          if (exit === undefined) {
            subscriber.error(new TypeError('collectOutput: the source completed without an exit event; is it a process?'));
            return;
          }
          const stdout = Buffer.concat(chunks.stdout, sizes.stdout);
          const stderr = Buffer.concat(chunks.stderr, sizes.stderr);
          const { exitCode, signal, pid, durationMs } = exit;
          subscriber.next(
            encoding === 'buffer'
              ? { stdout, stderr, exitCode, signal, pid, durationMs }
              : { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), exitCode, signal, pid, durationMs },
          );
          subscriber.complete();
        },
      });
    });
}
