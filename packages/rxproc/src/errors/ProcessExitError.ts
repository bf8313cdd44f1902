import type { ProcessUsage } from '../containmentOptions.js';
import { constants } from 'node:os';
import { formatCommand } from './formatCommand.js';
import { ProcessError, type ProcessErrorDetails } from './ProcessError.js';

/** How the process ended, beyond {@link ProcessErrorDetails}. */
export interface ProcessExitErrorDetails extends ProcessErrorDetails {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The tail of stderr (at most the last 64 KiB), decoded as UTF-8; `''` when stderr was not piped. */
  readonly stderr: string;
  /** What the whole tree cost (a run in a cgroup). */
  readonly usage?: ProcessUsage;
}

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
  override name = 'ProcessExitError';
  override readonly pid: number;
  /** The exit code, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process, or `null`. */
  readonly signal: NodeJS.Signals | null;
  /** The tail of stderr (at most the last 64 KiB), decoded as UTF-8. */
  readonly stderr: string;
  /** What the whole tree cost, dead descendants included: for a run in a cgroup (`containment`), else absent. */
  readonly usage?: ProcessUsage;

  constructor(details: ProcessExitErrorDetails, how = describeFailure(details)) {
    super(`Command ${how}${onHost(details.host)}: ${formatCommand(details.command, details.args)}${quoteTail(details.stderr)}`, details);
    this.pid = details.pid;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr;
    if (details.usage !== undefined) this.usage = details.usage;
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
  override name = 'ProcessTimeoutError';
  /** The `timeout` option that was exceeded, in ms. */
  readonly timeoutMs: number;

  constructor(details: ProcessExitErrorDetails & { readonly timeoutMs: number; readonly killSignal: NodeJS.Signals }) {
    super(details, `timed out after ${details.timeoutMs} ms and was stopped with ${details.killSignal} (${describeEnd(details)})`);
    this.timeoutMs = details.timeoutMs;
  }
}

/** ` on web1` for a remote process. */
export function onHost(host: string | undefined): string {
  return host === undefined ? '' : ` on ${host}`;
}

type End = { readonly exitCode: number | null; readonly signal: NodeJS.Signals | null };

function describeEnd({ exitCode, signal }: End): string {
  if (signal === null) return `exit code ${exitCode}`;
  const number = constants.signals[signal];
  return `killed by ${signal}${number === undefined ? '' : ` (signal ${number})`}`;
}

function describeFailure(end: End): string {
  return end.signal === null ? `failed with ${describeEnd(end)}` : `was ${describeEnd(end)}`;
}

function quoteTail(stderr: string): string {
  const lines = stderr.trimEnd().split(/\r?\n/);
  let tail = lines.slice(-MESSAGE_LINES).join('\n');
  if (tail.length > MESSAGE_CHARS) tail = `…${tail.slice(-MESSAGE_CHARS)}`;
  if (tail === '') return '';
  return `\n${lines.length > MESSAGE_LINES ? '…\n' : ''}${tail}`;
}
