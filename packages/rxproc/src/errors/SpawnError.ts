import { formatCommand } from './formatCommand.js';
import { onHost } from './ProcessExitError.js';
import { ProcessError, type ProcessErrorDetails } from './ProcessError.js';

/** What went wrong before the process ran, beyond {@link ProcessErrorDetails}. */
export interface SpawnErrorDetails extends ProcessErrorDetails {
  /** Node's error code: `ENOENT`, `EACCES`, `ENOTDIR`, `E2BIG`, `EMFILE`, `ERR_INVALID_ARG_VALUE`, … */
  readonly code: string;
  /** The working directory the process was to start in, when one was given. */
  readonly cwd?: string;
  /** Why, in words, when rxproc found out more than the code says. */
  readonly reason?: string;
}

const HINTS: Readonly<Record<string, string>> = {
  ENOENT: 'command not found: check its name, the PATH, or the cwd',
  EACCES: 'permission denied: the file is not executable, or is a directory',
  ENOTDIR: 'a path component is not a directory',
  E2BIG: 'the arguments and environment are larger than the system allows',
  EMFILE: 'too many open files in this process (ulimit -n)',
  ENFILE: 'too many open files on the system',
  EAGAIN: 'the system refused another process (process limit reached)',
  ENOMEM: 'not enough memory to start the process',
  EPERM: 'operation not permitted (uid/gid need privileges)',
};

/**
 * The process could not be started: nothing ran, nothing was emitted, nothing needs killing.
 *
 * @example
 * ```ts
 * import { spawn$, SpawnError } from 'rxproc';
 *
 * spawn$('no-such-command').subscribe({
 *   error: (err) => {
 *     if (err instanceof SpawnError && err.code === 'ENOENT') console.error('install it first');
 *   },
 * });
 * ```
 */
export class SpawnError extends ProcessError {
  override name = 'SpawnError';
  /** Node's error code, e.g. `ENOENT`. */
  readonly code: string;
  /** The working directory the process was to start in, when one was given. */
  readonly cwd: string | undefined;

  constructor(details: SpawnErrorDetails) {
    const why = details.reason ?? HINTS[details.code] ?? describeCause(details.cause);
    const where = details.cwd === undefined ? '' : ` (cwd: ${details.cwd})`;
    super(`Failed to start ${formatCommand(details.command, details.args)}${onHost(details.host)}${where}: ${why} [${details.code}]`, details);
    this.code = details.code;
    this.cwd = details.cwd;
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : 'the system refused to start it';
}
