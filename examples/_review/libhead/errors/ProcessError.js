/**
 * Base class of every error rxproc delivers through a process Observable's error channel.
 *
 * @example
 * ```ts
 * import { spawn$, ProcessError } from 'rxproc';
 *
 * spawn$('false').subscribe({
 *   error: (err) => {
 *     if (err instanceof ProcessError) console.error(err.command, err.args, err.pid, err.durationMs);
 *   },
 * });
 * ```
 */
export class ProcessError extends Error {
    name = 'ProcessError';
    /** The command as given to `spawn$`. */
    command;
    /** The arguments as given to `spawn$`. */
    args;
    /** The process id, or `undefined` when the process never started. */
    pid;
    /** Milliseconds from the subscription to the failure. */
    durationMs;
    constructor(message, details) {
        super(message, details.cause === undefined ? undefined : { cause: details.cause });
        this.command = details.command;
        this.args = details.args;
        this.pid = details.pid;
        this.durationMs = details.durationMs;
    }
}
