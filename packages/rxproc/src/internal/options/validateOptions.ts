import { isObservable } from 'rxjs';
import { resolveHost, type ResolvedHost } from './resolveHost.js';
import { checkContainment } from './checkContainment.js';
import { checkTty, type ResolvedTty } from './checkTty.js';
import { checkIpcOptions, isId, isMs, isSignalName, MAX_ID, MAX_TIMER_MS, reject } from './checks.js';
import { SPAWN_DEFAULTS, type OutputOption, type SpawnOptions } from '../../options.js';

/** Options after checking, with defaults applied. */
export type ResolvedOptions = Required<
  Pick<SpawnOptions, 'killSignal' | 'killTimeout' | 'drainTimeout' | 'extendEnv' | 'successExitCodes' | 'stdout' | 'stderr'>
> &
  Omit<SpawnOptions, 'killSignal' | 'killTimeout' | 'drainTimeout' | 'extendEnv' | 'successExitCodes' | 'stdout' | 'stderr' | 'host' | 'tty'> & {
    /** The remote host, checked and with its defaults; `undefined` for a local process. */
    readonly host?: ResolvedHost;
    /** The terminal's size with `tty`; `undefined` without a terminal. */
    readonly tty?: ResolvedTty;
  };

const KNOWN = new Set<string>([
  'cwd',
  'env',
  'extendEnv',
  'stdin',
  'stdout',
  'stderr',
  'killSignal',
  'killTimeout',
  'drainTimeout',
  'signals',
  'timeout',
  'successExitCodes',
  'uid',
  'gid',
  'watchdog',
  'host',
  'onSettled',
  'stop',
  'argv0',
  'ipc',
  'send',
  'serialization',
  'tty',
  'containment',
  'limits',
]);

/** Signals whose default action neither ends a process nor can be relied on to (ignore, stop, continue). */
const NOT_TERMINATING = new Set(['SIGCONT', 'SIGCHLD', 'SIGWINCH', 'SIGURG', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

function checkOutput(where: string, name: string, value: unknown): OutputOption {
  if (value === 'pipe' || value === 'inherit' || value === 'ignore') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { file?: unknown }).file === 'string') {
    const { file, append, noFollow, ...rest } = value as { file: string; append?: unknown; noFollow?: unknown };
    const isFlag = (flag: unknown): boolean => flag === undefined || typeof flag === 'boolean';
    if (file !== '' && isFlag(append) && isFlag(noFollow) && Object.keys(rest).length === 0) {
      return { file, append: append === true, noFollow: noFollow === true };
    }
  }
  return reject(where, name, `'pipe', 'inherit', 'ignore' or { file: string, append?: boolean, noFollow?: boolean }`, value);
}

/** Checks every option of `spawn$` at call time and applies the defaults. */
export function validateOptions(where: string, options: SpawnOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return reject(where, 'options', 'an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`${where}: unknown option "${key}"; the options are ${[...KNOWN].join(', ')}`);
  }
  const o = options as Record<string, unknown>;
  if (o.cwd !== undefined && (typeof o.cwd !== 'string' || o.cwd === '')) reject(where, 'cwd', 'a non-empty path', o.cwd);
  if (o.env !== undefined) {
    if (typeof o.env !== 'object' || o.env === null || Array.isArray(o.env)) reject(where, 'env', 'an object of strings', o.env);
    for (const [key, value] of Object.entries(o.env)) {
      if (key === '' || key.includes('=')) reject(where, 'env', 'an object whose keys are variable names (not empty, no "=")', key);
      if (value !== undefined && typeof value !== 'string') reject(where, `env.${key}`, 'a string or undefined', value);
    }
  }
  for (const name of ['extendEnv', 'watchdog'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') reject(where, name, 'a boolean', o[name]);
  }
  const stdin = o.stdin;
  if (!(stdin === undefined || typeof stdin === 'string' || stdin instanceof Uint8Array || isObservable(stdin))) {
    reject(where, 'stdin', `an Observable of strings or bytes, a string, a Uint8Array, 'inherit' or 'ignore'`, stdin);
  }
  if (o.killSignal !== undefined && (!isSignalName(o.killSignal) || NOT_TERMINATING.has(o.killSignal))) {
    reject(where, 'killSignal', `the name of a signal that ends a process, such as 'SIGTERM' or 'SIGINT'`, o.killSignal);
  }
  for (const name of ['killTimeout', 'drainTimeout'] as const) {
    if (o[name] !== undefined && !isMs(o[name], 0)) reject(where, name, `a number of milliseconds from 0 to ${MAX_TIMER_MS} (or Infinity)`, o[name]);
  }
  if (o.timeout !== undefined && !(isMs(o.timeout, 0) && o.timeout > 0)) {
    reject(where, 'timeout', `a number of milliseconds from 1 to ${MAX_TIMER_MS} (or Infinity)`, o.timeout);
  }
  if (o.onSettled !== undefined && typeof o.onSettled !== 'function') reject(where, 'onSettled', 'a function', o.onSettled);
  if (o.signals !== undefined && !isObservable(o.signals)) reject(where, 'signals', 'an Observable of signal names', o.signals);
  if (o.stop !== undefined && !isObservable(o.stop)) reject(where, 'stop', 'an Observable (its first value stops the process)', o.stop);
  const codes = o.successExitCodes;
  const isExitCode = (code: unknown): boolean => Number.isInteger(code) && (code as number) >= 0 && (code as number) <= 255;
  if (codes !== undefined && !(Array.isArray(codes) && codes.length > 0 && codes.every(isExitCode))) {
    reject(where, 'successExitCodes', 'a non-empty array of exit codes from 0 to 255', codes);
  }
  for (const name of ['uid', 'gid'] as const) {
    if (o[name] !== undefined && !isId(o[name])) reject(where, name, `an integer from 0 to ${MAX_ID}`, o[name]);
  }
  checkIpcOptions(where, o);
  checkContainment(where, o);
  const tty = checkTty(where, o);
  const host = resolveHost(where, o);
  if (o.uid !== undefined && o.gid === undefined) {
    // setuid alone keeps the host's group: root's gid 0, with all it may read and write.
    throw new TypeError(
      `${where}: option "uid" needs "gid" too: uid alone keeps the host's group (gid ${process.getgid?.() ?? '?'}); pass the user's primary group as gid, e.g. { uid: ${o.uid as number}, gid: <its group> }`,
    );
  }
  // Copies: a caller changing its objects later must not change (or bypass the checks of) this spawn$.
  return {
    ...options,
    host,
    tty,
    env: options.env === undefined ? undefined : Object.freeze({ ...options.env }),
    stdout: checkOutput(where, 'stdout', o.stdout ?? 'pipe'),
    stderr: checkOutput(where, 'stderr', o.stderr ?? 'pipe'),
    killSignal: options.killSignal ?? SPAWN_DEFAULTS.killSignal,
    killTimeout: options.killTimeout ?? SPAWN_DEFAULTS.killTimeout,
    drainTimeout: options.drainTimeout ?? SPAWN_DEFAULTS.drainTimeout,
    extendEnv: options.extendEnv ?? SPAWN_DEFAULTS.extendEnv,
    successExitCodes: Object.freeze([...(options.successExitCodes ?? SPAWN_DEFAULTS.successExitCodes)]),
  };
}
