import type { OutputSoFar } from './OutputSoFar.js';

/** What every rxproc error says about the process it concerns. */
export interface ProcessErrorDetails {
  readonly command: string;
  readonly args: readonly string[];
  /** The process id, or `undefined` when the process never started. */
  readonly pid: number | undefined;
  /** Milliseconds from the subscription to the failure. */
  readonly durationMs: number;
  /** The remote host (as `host` was given) for a process run over ssh; `undefined` for a local one. */
  readonly host?: string;
  readonly cause?: unknown;
}

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
  override name = 'ProcessError';
  /** The command as given to `spawn$`. */
  readonly command: string;
  /** The arguments as given to `spawn$`. */
  readonly args: readonly string[];
  /** The process id, or `undefined` when the process never started. */
  readonly pid: number | undefined;
  /** Milliseconds from the subscription to the failure. */
  readonly durationMs: number;
  /** The remote host for a process run over ssh (see the `host` option); `undefined` for a local one. */
  readonly host: string | undefined;
  /**
   * The output collected until the failure, when the error passed through `collectOutput` (not
   * enumerable, so that printing the error does not print the output); `undefined` otherwise.
   */
  declare readonly output?: OutputSoFar;

  constructor(message: string, details: ProcessErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.command = details.command;
    this.args = details.args;
    this.pid = details.pid;
    this.durationMs = details.durationMs;
    this.host = details.host;
  }
}
