/**
 * Output went past a limit that keeps memory bounded: a line longer than `maxLineLength` (from `lines`),
 * or more than `maxBuffer` bytes collected (from `collectOutput`). The process was killed by the
 * unsubscription that follows the error.
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
    stream;
    option;
    limit;
    name = 'OutputLimitError';
    constructor(
    /** Which stream went over (for plain chunk streams, `'stdout'`). */
    stream, 
    /** The option that was exceeded. */
    option, 
    /** Its value, in bytes. */
    limit) {
        super(option === 'maxLineLength'
            ? `A line of ${stream} is longer than ${limit} bytes (maxLineLength): stopped reading and killed the process`
            : `${stream} is larger than ${limit} bytes (maxBuffer): stopped collecting and killed the process`);
        this.stream = stream;
        this.option = option;
        this.limit = limit;
    }
}
