/**
 * Where and how a process runs on another machine, over the system's OpenSSH client: the `host` option of
 * `spawn$` and `pipeTo`. A plain string is the same as `{ host: string }`. Everything rxproc does not set
 * comes from the user's ssh configuration (`~/.ssh/config`, the agent, `known_hosts`), as with `ssh host`.
 *
 * @example
 * ```ts
 * import { spawn$, collectOutput } from 'rxproc';
 *
 * spawn$('uptime', [], { host: { host: 'web1', user: 'deploy', port: 2222 } })
 *   .pipe(collectOutput())
 *   .subscribe((result) => console.log(result.stdout));
 * ```
 */
export interface RemoteHost {
  /** The ssh destination: a host name, an address, an alias from the ssh config, or `user@host`. */
  readonly host: string;
  /** Login user (`ssh -l`). Default: the ssh configuration's, else the local user. */
  readonly user?: string;
  /** Port (`ssh -p`). Default: the ssh configuration's, else 22. */
  readonly port?: number;
  /** Private key file (`ssh -i`). Default: the agent and the ssh configuration's keys. */
  readonly identityFile?: string;
  /** An ssh_config file to read instead of `~/.ssh/config` (`ssh -F`). */
  readonly configFile?: string;
  /** More ssh options, as `-o Name=value` (for example `{ StrictHostKeyChecking: 'accept-new' }`). */
  readonly sshOptions?: Readonly<Record<string, string | number | boolean>>;
  /** The ssh client to run. Default: `'ssh'`, found on the PATH. */
  readonly sshPath?: string;
  /**
   * Share connections between the processes run on this host (an OpenSSH ControlMaster that rxproc starts,
   * owns and stops). Default: `true`; a process then starts in about a round trip instead of a handshake.
   */
  readonly multiplex?: boolean;
  /** Processes at once per shared connection; keep it at or below the server's `MaxSessions`. Default: 10. */
  readonly maxSessions?: number;
  /**
   * Connections rxproc opens to this host at once. With `multiplex`, up to `maxConnections × maxSessions`
   * processes run at the same time; without, up to `maxConnections`. Further processes wait their turn.
   * Default: 4.
   */
  readonly maxConnections?: number;
  /** Milliseconds an idle shared connection stays open for the next process. Default: 5000. */
  readonly keepAlive?: number;
  /** Milliseconds ssh may take to connect (`ConnectTimeout`, rounded up to whole seconds). Default: 10000. */
  readonly connectTimeout?: number;
  /**
   * The remote wrapper that runs the command: `'perl'` (needs Perl 5, fastest to notice a lost connection),
   * `'sh'` (POSIX sh and `setsid` only), or `'auto'`: Perl when the host has it. Default: `'auto'`.
   */
  readonly wrapper?: 'auto' | 'perl' | 'sh';
}

/** The defaults of {@link RemoteHost}'s optional settings. */
export const REMOTE_DEFAULTS = Object.freeze({
  multiplex: true,
  maxSessions: 10,
  maxConnections: 4,
  keepAlive: 5000,
  connectTimeout: 10_000,
  wrapper: 'auto' as const,
});
