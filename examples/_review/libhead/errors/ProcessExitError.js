import { constants } from 'node:os';
import { formatCommand } from '../internal/formatCommand.js';
import { ProcessError } from './ProcessError.js';
/** Lines of the stderr tail quoted in the message; the whole tail stays in `stderr`. */
const MESSAGE_LINES = 10;
const MESSAGE_CHARS = 2000;
/**
 * The process ran and ended in a way that counts as failure: an exit code outside `successExitCodes`, or
 * a signal. The `exit` event was emitted just before.
 *
 * @example
 * ```ts
 * import { spawn$, ProcessExitError } from 'rxproc';
 *
 * spawn$('sh', ['-c', 'echo oops >&2; exit 3']).subscribe({
 *   error: (err) => {
 *     if (err instanceof ProcessExitError) console.error(err.exitCode, err.signal, err.stderr); // 3 null 'oops\n'
 *   },
 * });
 * ```
 */
export class ProcessExitError extends ProcessError {
    name = 'ProcessExitError';
    pid;
    /** The exit code, or `null` when a signal ended the process. */
    exitCode;
    /** The signal that ended the process, or `null`. */
    signal;
    /** The tail of stderr (at most the last 64 KiB), decoded as UTF-8. */
    stderr;
    constructor(details, how = describeFailure(details)) {
        super(`Command ${how}: ${formatCommand(details.command, details.args)}${quoteTail(details.stderr)}`, details);
        this.pid = details.pid;
        this.exitCode = details.exitCode;
        this.signal = details.signal;
        this.stderr = details.stderr;
    }
}
/**
 * The process ran longer than its `timeout`, was killed, and has exited.
 *
 * @example
 * ```ts
 * import { spawn$, ProcessTimeoutError } from 'rxproc';
 *
 * spawn$('sleep', ['10'], { timeout: 100 }).subscribe({
 *   error: (err) => console.error(err instanceof ProcessTimeoutError, err.message),
 * });
 * ```
 */
export class ProcessTimeoutError extends ProcessExitError {
    name = 'ProcessTimeoutError';
    /** The `timeout` option that was exceeded, in ms. */
    timeoutMs;
    constructor(details) {
        super(details, `timed out after ${details.timeoutMs} ms and was stopped with ${details.killSignal} (${describeEnd(details)})`);
        this.timeoutMs = details.timeoutMs;
    }
}
function describeEnd({ exitCode, signal }) {
    if (signal === null)
        return `exit code ${exitCode}`;
    const number = constants.signals[signal];
    return `killed by ${signal}${number === undefined ? '' : ` (signal ${number})`}`;
}
function describeFailure(end) {
    return end.signal === null ? `failed with ${describeEnd(end)}` : `was ${describeEnd(end)}`;
}
function quoteTail(stderr) {
    const lines = stderr.trimEnd().split(/\r?\n/);
    let tail = lines.slice(-MESSAGE_LINES).join('\n');
    if (tail.length > MESSAGE_CHARS)
        tail = `…${tail.slice(-MESSAGE_CHARS)}`;
    if (tail === '')
        return '';
    return `\n${lines.length > MESSAGE_LINES ? '…\n' : ''}${tail}`;
}
