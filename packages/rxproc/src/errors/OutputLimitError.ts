import type { OutputSoFar } from './OutputSoFar.js';

/**
 * Output went past a limit that keeps memory bounded: a line longer than `maxLineLength` (from `lines`),
 * or more than `maxBuffer` bytes collected (from `collectOutput`). The process was killed by the
 * unsubscription that follows the error. From `collectOutput`, `output` holds what was collected up to the
 * limit.
 *
 * @example
 * ```ts
 * import { spawn$, lines, OutputLimitError } from 'rxproc';
 *
 * spawn$('cat', ['/dev/zero']).pipe(lines({ maxLineLength: 1024 })).subscribe({
 *   error: (err) => {
 *     if (err instanceof OutputLimitError) console.error(err.stream, err.limit, err.message);
 *   },
 * });
 * ```
 */
export class OutputLimitError extends Error {
  override name = 'OutputLimitError';
  /**
   * From `collectOutput`: the output collected up to the limit (the stream that went over holds exactly
   * `limit` bytes, less a character cut by the limit); not enumerable. `undefined` from `lines`.
   */
  declare readonly output?: OutputSoFar;

  constructor(
    /** Which stream went over (for plain chunks, the `stream` option of `lines`). */
    readonly stream: 'stdout' | 'stderr',
    /** The option that was exceeded. */
    readonly option: 'maxLineLength' | 'maxBuffer',
    /** Its value, in bytes. */
    readonly limit: number,
  ) {
    super(
      option === 'maxLineLength'
        ? `A line of ${stream} is longer than ${limit} bytes (maxLineLength): stopped reading and killed the process`
        : `${stream} is larger than ${limit} bytes (maxBuffer): stopped collecting and killed the process`,
    );
  }
}
