import type { ContainmentOptions } from './containmentOptions.js';
import type { IpcOptions } from './ipcOptions.js';
import type { TtyOptions } from './ttyOptions.js';
import type { RemoteHost } from './remoteHost.js';
import type { Observable } from 'rxjs';

/** What the child reads: a source of chunks, fixed text or bytes, the host's own stdin, or nothing. */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the two modes are named for the reader and the editor
export type StdinOption = Observable<string | Uint8Array> | string | Uint8Array | 'inherit' | 'ignore';

/** A file that receives a stream, as an init system's redirect does. */
export interface FileRedirect {
  /** Path of the file; a relative path is resolved against the `cwd` option (or the host's cwd). */
  readonly file: string;
  /** Append instead of truncating. Default `false`. */
  readonly append?: boolean;
  /**
   * Refuse the file if it is a symbolic link (`O_NOFOLLOW`): the process is not started and the Observable
   * errors with a `SpawnError` of code `ELOOP` naming the file. Only the last component of the path is
   * checked. Use it for files in folders that other users can write to (`/tmp`), where a planted link would
   * make a privileged host truncate or write a file it points to. Default `false`: a link is followed, as a
   * shell's `>` follows it (log files are often links on purpose). See docs/spawning.md.
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * // Fails with SpawnError ELOOP if /tmp/job.log is a symbolic link, instead of writing where it points.
   * spawn$('date', { stdout: { file: '/tmp/job.log', noFollow: true } }).subscribe({ error: (e) => console.error(e.message) });
   * ```
   */
  readonly noFollow?: boolean;
}

/** Where the child's stdout or stderr goes: to the Observable (`'pipe'`), the host's own stream, nowhere, or a file. */
export type OutputOption = 'pipe' | 'inherit' | 'ignore' | FileRedirect;

/**
 * Options of {@link spawn$}. Every option is checked when `spawn$` is called; a wrong one throws a
 * `TypeError` naming it.
 */
export interface SpawnOptions extends IpcOptions, TtyOptions, ContainmentOptions {
  /** Working directory of the child. Default: the host's `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Environment variables, merged over `process.env` (see `extendEnv`). A value of `undefined` removes the
   * variable. Default: `process.env` as it is.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Merge `env` over `process.env`. With `false`, the child gets only `env`. Default `true`. */
  readonly extendEnv?: boolean;
  /**
   * What the child reads. An Observable is subscribed once the process runs, each value written in order,
   * and stdin is closed (EOF) when it completes; if it errors, the process is killed and the Observable
   * errors with that error. Default: nothing, the child reads an immediate EOF (never the host's terminal).
   */
  readonly stdin?: StdinOption;
  /** Where stdout goes. Default `'pipe'`: emitted as `stdout` events. */
  readonly stdout?: OutputOption;
  /** Where stderr goes. Default `'pipe'`: emitted as `stderr` events. */
  readonly stderr?: OutputOption;
  /** Signal sent to the whole process group on unsubscribe or timeout. Default `'SIGTERM'`. */
  readonly killSignal?: NodeJS.Signals;
  /**
   * Milliseconds after `killSignal` at which a process group that is still alive gets `SIGKILL`;
   * `Infinity` never escalates. Default `5000`.
   */
  readonly killTimeout?: number;
  /**
   * After the process exited, how many milliseconds its stdout and stderr may stay silent before rxproc
   * stops waiting for their end: an idle time, confirmed by one more poll of the pipes, never counted while
   * the consumer holds the output back. What the process wrote before it exited is always read (`0`
   * included); descendants that still hold the pipes then are killed (they are in the process group) and
   * the Observable finishes. One that keeps writing keeps the run open. Default `1000`.
   */
  readonly drainTimeout?: number;
  /** Signals to send to the child (the process itself, not its group) while it runs, e.g. `SIGHUP` to reload. */
  readonly signals?: Observable<NodeJS.Signals>;
  /**
   * Stops the process and still sees its end. The first value of this Observable (subscribed once the
   * process runs, unsubscribed at its exit) starts the kill sequence: `killSignal` to the whole process
   * group, then `SIGKILL` after `killTimeout`. The Observable goes on emitting the remaining output and the
   * `exit` event, then **completes**: a process ended by `stop` is not a failure, whatever its exit code or
   * signal. The `exit` event says how it really ended: `signal: 'SIGTERM'` (or the `killSignal`) when it
   * died of it, `signal: 'SIGKILL'` when it had to be killed after `killTimeout`, or the exit code it chose
   * when it handled the signal (often 143 = 128 + SIGTERM). A value after the exit does nothing (that
   * outcome stands), as does a `stop` that completes without a value; once stopped, `timeout` no longer
   * applies. An error from `stop` fails the run (the process is killed, as on unsubscribe). In a pipeline,
   * a `stop` on any stage stops every stage, upstream first, each with its own `killSignal` and
   * `killTimeout`: each later stage first gets its `killTimeout` to finish on the end of its input, and the
   * pipeline completes. Unsubscribing is unchanged (kill, emit nothing more). With `host` the remote wrapper
   * stops the remote group while the session still carries the output (docs/remote.md). See
   * docs/termination.md.
   *
   * @example
   * ```ts
   * import { Subject } from 'rxjs';
   * import { spawn$, lines } from 'rxproc';
   *
   * const stopButton = new Subject<void>();
   * spawn$('tail', ['-f', '/var/log/syslog'], { stop: stopButton }).pipe(lines()).subscribe({
   *   next: (line) => console.log(line), // every line tail printed, up to its end
   *   complete: () => console.log('stopped'), // not an error
   * });
   * setTimeout(() => stopButton.next(), 2000); // the button press
   * ```
   */
  readonly stop?: Observable<unknown>;
  /**
   * Milliseconds the process may run; then it is killed as on unsubscribe and the Observable errors with a
   * `ProcessTimeoutError`. A process that exited before the deadline is never a timeout, however late a
   * busy event loop sees its exit. Default: no limit.
   */
  readonly timeout?: number;
  /** Exit codes that count as success and complete the Observable. Default `[0]`. */
  readonly successExitCodes?: readonly number[];
  /**
   * Also stop the process tree when the host dies without running any exit hook (SIGKILL, the OOM
   * killer): a detached watchdog shell, shared by all processes that ask for it, notices the host's death
   * through a pipe and sends the group SIGTERM, then SIGKILL after `killTimeout`. Default `false`.
   */
  readonly watchdog?: boolean;
  /**
   * Run the process on another machine, over the system's OpenSSH client: a host name or alias (as for
   * `ssh host`), or a {@link RemoteHost} with user, port, key, ssh options and connection limits. Nothing
   * needs to be installed there (a POSIX sh, and Perl 5 or `setsid`). Every event, error and guarantee
   * holds: unsubscribing stops the remote process tree. `cwd` and `env` then apply on the remote host;
   * `uid`, `gid`, `signals`, `extendEnv: false`, `argv0` and the IPC options (`ipc`, `send`,
   * `serialization`) cannot be used. Default: local. See docs/remote.md.
   */
  readonly host?: string | RemoteHost;
  /**
   * User id the child runs as (needs privileges). Requires `gid` too: `uid` alone would keep the host's
   * group (root's group 0), so `spawn$` throws a `TypeError`. Supplementary groups are dropped (the child
   * has only `gid`); the environment (`HOME`, `USER`, …) is the host's unless `env` changes it.
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * // As nobody:nogroup (65534:65534 on Debian), with a HOME of its own.
   * spawn$('id', { uid: 65534, gid: 65534, env: { HOME: '/nonexistent', USER: 'nobody' } }).subscribe();
   * ```
   */
  readonly uid?: number;
  /** Group id the child runs as (needs privileges); its only group: supplementary groups are dropped. */
  readonly gid?: number;
  /**
   * Called once for each subscription, when it is over (completed, failed or unsubscribed) and every
   * process it started is gone: the whole tree, after the `killTimeout` escalation if one was needed. Also
   * called when nothing was spawned (a spawn failure, a connection never made, an unsubscribe before the
   * start). In a pipeline each stage calls its own. A supervisor waits on it instead of polling; what it
   * throws is reported as RxJS reports unhandled errors, never thrown into rxproc.
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * const subscription = spawn$('my-server', { onSettled: () => console.log('server and children gone') }).subscribe();
   * subscription.unsubscribe(); // SIGTERM to the group; the callback runs once the tree is gone
   * ```
   */
  readonly onSettled?: () => void;
  /**
   * The program name the process sees as its `argv[0]` (`$0` in a shell, `process.argv0` in Node); the
   * program run is still `command`. A non-empty string without NUL. Default: `command`. Local only: refused
   * with `host`.
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * // Prints "my-worker": the name shows in ps and in the shell's own messages.
   * spawn$('sh', ['-c', 'echo $0'], { argv0: 'my-worker' }).subscribe();
   * ```
   */
  readonly argv0?: string;
}

/**
 * The defaults of {@link SpawnOptions}, for reference (frozen; options are passed per call).
 *
 * @example
 * ```ts
 * import { SPAWN_DEFAULTS, spawn$ } from 'rxproc';
 *
 * // Give a slow-stopping server twice the default grace before SIGKILL.
 * spawn$('my-server', { killTimeout: SPAWN_DEFAULTS.killTimeout * 2 });
 * ```
 */
export const SPAWN_DEFAULTS = Object.freeze({
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens the public type from 'SIGTERM' to any signal name
  killSignal: 'SIGTERM' as NodeJS.Signals,
  killTimeout: 5000,
  drainTimeout: 1000,
  extendEnv: true,
  successExitCodes: Object.freeze<number[]>([0]),
});
