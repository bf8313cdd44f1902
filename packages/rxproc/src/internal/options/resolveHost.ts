import { inspect } from 'node:util';
import { REMOTE_DEFAULTS, type RemoteHost } from '../../remoteHost.js';
import { isMs, MAX_TIMER_MS, reject } from './checks.js';

/** A {@link RemoteHost} after checking, with its defaults applied. */
export interface ResolvedHost extends Required<Omit<RemoteHost, 'user' | 'port' | 'identityFile' | 'configFile' | 'sshOptions'>> {
  readonly user: string | undefined;
  readonly port: number | undefined;
  readonly identityFile: string | undefined;
  readonly configFile: string | undefined;
  readonly sshOptions: Readonly<Record<string, string>>;
  /** How messages name the host: the destination, with user and port when they were given. */
  readonly label: string;
  /** Equal for settings that may share connections. */
  readonly poolKey: string;
}

const KNOWN = new Set([
  'host',
  'user',
  'port',
  'identityFile',
  'configFile',
  'sshOptions',
  'sshPath',
  'multiplex',
  'maxSessions',
  'maxConnections',
  'keepAlive',
  'connectTimeout',
  'wrapper',
]);
/** Local options that have no remote meaning (or no safe one): refused rather than silently ignored. */
const LOCAL_ONLY: Readonly<Record<string, string>> = {
  uid: 'log in as that user instead (host.user)',
  gid: 'log in as a user of that group instead (host.user)',
  signals: 'a remote process can be stopped (unsubscribe, timeout) but not sent other signals',
  argv0: 'the remote wrappers start the program by its name (a POSIX sh cannot set argv[0])',
  ipc: "Node's IPC channel is a local socket: it does not cross ssh",
  send: "it sends over Node's IPC channel, which does not cross ssh",
  serialization: "it serialises Node's IPC messages, which do not cross ssh",
};

// ssh would read these as options or split them: no leading '-', no whitespace or control bytes.
const SSH_WORD = /^[^\s\-\0-\x1f\x7f][^\s\0-\x1f\x7f]*$/;
const SH_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
/** Set by rxproc for every connection; a user value would break the transport. */
const RESERVED = new Set([
  'controlmaster',
  'controlpath',
  'controlpersist',
  'requesttty',
  'escapechar',
  'batchmode',
  'remotecommand',
  'sessiontype',
  'stdinnull',
  'forkafterauthentication',
]);

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1000;

/** Checks the `host` option (and the options that cannot go with it); `undefined` for a local process. */
export function resolveHost(where: string, options: Readonly<Record<string, unknown>>): ResolvedHost | undefined {
  const given = options.host;
  if (given === undefined) return undefined;
  for (const [name, why] of Object.entries(LOCAL_ONLY)) {
    if (options[name] !== undefined) throw new TypeError(`${where}: option "${name}" cannot be used with "host": ${why}`);
  }
  if (options.extendEnv === false) {
    throw new TypeError(
      `${where}: option "extendEnv: false" cannot be used with "host": the remote login's environment is always the base; unset variables with env: { NAME: undefined }`,
    );
  }
  for (const name of Object.keys(options.env ?? {})) {
    if (!SH_NAME.test(name))
      throw new TypeError(`${where}: option "env" with "host": ${inspect(name)} is not a name the remote shell can export (letters, digits, _)`);
    if (name.startsWith('_rxp_')) throw new TypeError(`${where}: option "env" with "host": names starting with _rxp_ are the remote wrapper's own`);
  }
  const o = (typeof given === 'string' ? { host: given } : given) as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) reject(where, 'host', 'a host name or a RemoteHost object', given);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`${where}: unknown option "host.${key}"; the host settings are ${[...KNOWN].join(', ')}`);
  }
  if (typeof o.host !== 'string' || !SSH_WORD.test(o.host)) reject(where, 'host', 'an ssh destination (not empty, no spaces, not starting with "-")', o.host);
  for (const name of ['user', 'identityFile', 'configFile', 'sshPath'] as const) {
    if (o[name] !== undefined && (typeof o[name] !== 'string' || !SSH_WORD.test(o[name])))
      reject(where, `host.${name}`, 'a non-empty string without spaces, not starting with "-"', o[name]);
  }
  if (o.port !== undefined && !(Number.isInteger(o.port) && (o.port as number) >= 1 && (o.port as number) <= 65535))
    reject(where, 'host.port', 'a port number from 1 to 65535', o.port);
  if (o.multiplex !== undefined && typeof o.multiplex !== 'boolean') reject(where, 'host.multiplex', 'a boolean', o.multiplex);
  for (const name of ['maxSessions', 'maxConnections'] as const) {
    if (o[name] !== undefined && !isCount(o[name])) reject(where, `host.${name}`, 'an integer from 1 to 1000', o[name]);
  }
  for (const name of ['keepAlive', 'connectTimeout'] as const) {
    const value = o[name];
    if (value !== undefined && !isMs(value, 0, false)) reject(where, `host.${name}`, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`, value);
  }
  if (o.wrapper !== undefined && o.wrapper !== 'auto' && o.wrapper !== 'perl' && o.wrapper !== 'sh')
    reject(where, 'host.wrapper', `'auto', 'perl' or 'sh'`, o.wrapper);
  const sshOptions: Record<string, string> = {};
  if (o.sshOptions !== undefined) {
    if (typeof o.sshOptions !== 'object' || o.sshOptions === null || Array.isArray(o.sshOptions))
      reject(where, 'host.sshOptions', 'an object of ssh option names to values', o.sshOptions);
    for (const [name, value] of Object.entries(o.sshOptions)) {
      const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
      if (!OPTION_NAME.test(name) || RESERVED.has(name.toLowerCase()))
        reject(where, `host.sshOptions`, 'ssh option names (rxproc sets Control*, RequestTTY, EscapeChar and BatchMode itself)', name);
      if (!['string', 'number', 'boolean'].includes(typeof value) || /[\0-\x1f\x7f]/.test(text))
        reject(where, `host.sshOptions.${name}`, 'a string, number or boolean', value);
      sshOptions[name] = text;
    }
  }
  const resolved = {
    host: o.host,
    user: o.user as string | undefined,
    port: o.port as number | undefined,
    identityFile: o.identityFile as string | undefined,
    configFile: o.configFile as string | undefined,
    sshOptions: Object.freeze(sshOptions),
    sshPath: (o.sshPath as string | undefined) ?? 'ssh',
    multiplex: o.multiplex ?? REMOTE_DEFAULTS.multiplex,
    maxSessions: (o.maxSessions as number | undefined) ?? REMOTE_DEFAULTS.maxSessions,
    maxConnections: (o.maxConnections as number | undefined) ?? REMOTE_DEFAULTS.maxConnections,
    keepAlive: (o.keepAlive as number | undefined) ?? REMOTE_DEFAULTS.keepAlive,
    connectTimeout: (o.connectTimeout as number | undefined) ?? REMOTE_DEFAULTS.connectTimeout,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- o.wrapper was checked above, but its type is still unknown
    wrapper: (o.wrapper as ResolvedHost['wrapper'] | undefined) ?? REMOTE_DEFAULTS.wrapper,
  };
  const label = `${resolved.user === undefined ? '' : `${resolved.user}@`}${resolved.host}${resolved.port === undefined ? '' : `:${resolved.port}`}`;
  // Every setting: a pool runs by the settings it was made with, so other limits need another pool.
  const poolKey = JSON.stringify(resolved);
  return Object.freeze({ ...resolved, label, poolKey });
}
