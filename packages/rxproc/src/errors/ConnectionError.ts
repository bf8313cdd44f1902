import { formatCommand } from './formatCommand.js';
import { ProcessError, type ProcessErrorDetails } from './ProcessError.js';

/** What happened to the connection, beyond {@link ProcessErrorDetails}. */
export interface ConnectionErrorDetails extends ProcessErrorDetails {
  readonly host: string;
  /** `'connect'`: the command never started; `'lost'`: the connection ended while it ran. */
  readonly phase: 'connect' | 'lost';
  /** What ssh itself printed (its last lines), `''` when it said nothing. */
  readonly sshMessage: string;
  /** The ssh client's exit code (255 for its own errors), or `null` when a signal ended it. */
  readonly sshExitCode: number | null;
}

/**
 * The transport to a remote host failed, not the command: ssh could not connect or log in (`phase:
 * 'connect'`, nothing ran), or the connection ended while the command ran (`phase: 'lost'`, its exit is
 * unknown; rxproc's remote wrapper stops the remote process group when it notices). A remote command that
 * exits with 255 is a `ProcessExitError`, never this: the two are told apart by the wrapper's report,
 * not by ssh's exit code. `retryOnExit` respawns after it like after any failure.
 *
 * @example
 * ```ts
 * import { spawn$, retryOnExit, ConnectionError } from 'rxproc';
 *
 * spawn$('uptime', [], { host: 'web1' })
 *   .pipe(retryOnExit({ count: 3, delay: 1000, retryIf: (err) => err instanceof ConnectionError }))
 *   .subscribe({ error: (err) => console.error(err.message) });
 * ```
 */
export class ConnectionError extends ProcessError {
  override name = 'ConnectionError';
  override readonly host: string;
  /** `'connect'` (nothing ran) or `'lost'` (the command was running). */
  readonly phase: 'connect' | 'lost';
  /** What ssh printed about the failure. */
  readonly sshMessage: string;
  /** The ssh client's exit code, or `null`. */
  readonly sshExitCode: number | null;

  constructor(details: ConnectionErrorDetails) {
    const command = formatCommand(details.command, details.args);
    const said =
      details.sshMessage.trim().split(/\r?\n/).slice(-5).join('\n') ||
      `ssh ended with ${details.sshExitCode === null ? 'a signal' : `exit code ${details.sshExitCode}`} and no message`;
    super(
      details.phase === 'connect'
        ? `Could not connect to ${details.host} to run ${command}: ${said}`
        : `Lost the connection to ${details.host} while ${command} was running (remote pid ${details.pid ?? '?'}); its exit is unknown: ${said}`,
      details,
    );
    this.host = details.host;
    this.phase = details.phase;
    this.sshMessage = details.sshMessage;
    this.sshExitCode = details.sshExitCode;
  }
}
