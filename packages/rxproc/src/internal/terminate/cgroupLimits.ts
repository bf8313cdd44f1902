import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { inspect } from 'node:util';
import type { ProcessLimits } from '../../containmentOptions.js';

/** The controller each limit needs: memory, pids, cpu (in this order in every message). */
export const LIMIT_CONTROLLERS = { memoryBytes: 'memory', pids: 'pids', cpu: 'cpu' } as const;

type LimitKey = keyof typeof LIMIT_CONTROLLERS;
const KEYS = Object.keys(LIMIT_CONTROLLERS) as LimitKey[];

/** cpu.max's period in microseconds (the kernel's default one). */
const CPU_PERIOD_US = 100_000;
/** The least quota the kernel takes (`min_cfs_quota_period`, 1 ms); less is EINVAL. */
const MIN_QUOTA_US = 1_000;
/** The greatest quota the kernel takes (`max_cfs_runtime`: 2^44 - 1 µs); more is EINVAL. */
const MAX_QUOTA_US = 2 ** 44 - 1;
/** The most CPUs a quota can say: the greatest quota over the period. */
const MAX_CPU = Math.floor(MAX_QUOTA_US / CPU_PERIOD_US);
/** The greatest pids.max the kernel takes: PID_MAX_LIMIT on 64-bit Linux (more is EINVAL). */
const MAX_PIDS = 4 * 1024 * 1024;

/** What each limit must be, as a `TypeError` says it. */
const EXPECTED: Readonly<Record<LimitKey, string>> = {
  memoryBytes: 'a positive integer (bytes)',
  pids: `an integer from 1 to ${MAX_PIDS}`,
  cpu: `a number of CPUs above 0 and at most ${MAX_CPU} (0.5 = half a CPU)`,
};

function isValid(key: LimitKey, value: number): boolean {
  if (key === 'memoryBytes') return Number.isSafeInteger(value) && value > 0;
  if (key === 'pids') return Number.isInteger(value) && value >= 1 && value <= MAX_PIDS;
  return value > 0 && value <= MAX_CPU;
}

/** The quota for `cpu` CPUs per period, in whole microseconds, raised to the kernel's least. */
function cpuQuota(cpu: number): number {
  return Math.max(MIN_QUOTA_US, Math.round(cpu * CPU_PERIOD_US));
}

const show = (value: unknown): string => inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 80, maxArrayLength: 5 });

/**
 * A TypeError message for a bad `limits` value (not an object, unknown key, not a positive finite number /
 * integer where needed), else undefined. The message has no `where:` prefix: the caller adds it, as
 * `reject` in options/checks.ts does. A key whose value is `undefined` counts as absent.
 *
 * @example
 * checkLimits({ cpu: -1 }); // 'option "limits.cpu" must be a number of CPUs above 0 and at most 175921860 (0.5 = half a CPU), got -1'
 * checkLimits({ pids: 64 }); // undefined
 */
export function checkLimits(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `option "limits" must be an object { memoryBytes?, pids?, cpu? }, got ${show(value)}`;
  }
  const record = value as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(LIMIT_CONTROLLERS, key)) return `option "limits" has an unknown key "${key}"; the keys are ${KEYS.join(', ')}`;
  }
  for (const key of KEYS) {
    const limit = record[key];
    if (limit === undefined) continue;
    if (typeof limit !== 'number' || !isValid(key, limit)) return `option "limits.${key}" must be ${EXPECTED[key]}, got ${show(limit)}`;
  }
  return undefined;
}

/** The controllers `limits` needs, in the fixed order memory, pids, cpu. */
/** The controllers these limits need, by name (`memory`, `pids`, `cpu`), for the keys that are set. */
export function neededControllers(limits: ProcessLimits): string[] {
  return KEYS.filter((key) => limits[key] !== undefined).map((key) => LIMIT_CONTROLLERS[key]);
}

/** The names in a cgroup's space-separated list file, or the errno code when it cannot be read. */
function readList(file: string): { names: string[] } | { code: string } {
  try {
    return { names: readFileSync(file, 'latin1').split(/\s+/).filter(Boolean) };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/**
 * Checks that the controllers for `limits` are enabled for children of `parent` (its cgroup.subtree_control
 * lists them). Returns undefined when fine, else a message that names the missing controllers and how to get
 * them (as root: `echo +memory > PARENT/cgroup.subtree_control` on each level; under systemd: a unit or
 * `systemd-run --user --scope -p Delegate=yes`, and which controllers systemd delegates by default).
 *
 * It also reads `parent`'s cgroup.controllers, to say when a controller is not even offered to `parent`
 * (enabled nowhere above it, or, on a hybrid host, held by a cgroup v1 hierarchy).
 */
export function missingControllers(parent: string, limits: ProcessLimits): string | undefined {
  const needed = neededControllers(limits);
  if (needed.length === 0) return undefined;
  const enabled = readList(`${parent}/cgroup.subtree_control`);
  if ('names' in enabled && needed.every((name) => enabled.names.includes(name))) return undefined;
  const missing = 'names' in enabled ? needed.filter((name) => !enabled.names.includes(name)) : needed;
  const list = missing.join(', ');
  const why =
    'names' in enabled
      ? `its cgroup.subtree_control lists ${enabled.names.length === 0 ? 'no controller' : enabled.names.join(' ')}`
      : `its cgroup.subtree_control cannot be read: ${enabled.code}`;
  const offered = readList(`${parent}/cgroup.controllers`);
  const absent = 'names' in offered ? missing.filter((name) => !offered.names.includes(name)) : [];
  const above =
    absent.length === 0
      ? ''
      : ` ${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not even offered to it (its cgroup.controllers lists ` +
        `${'names' in offered && offered.names.length > 0 ? offered.names.join(' ') : 'none'}): enabled on no level above it, ` +
        `or, on a hybrid host, held by a cgroup v1 hierarchy.`;
  return (
    `limits need the ${list} controller${missing.length === 1 ? '' : 's'}, not enabled for the cgroups under ${parent} (${why}).${above} ` +
    `As root: enable ${missing.length === 1 ? 'it' : 'them'} on each level from the cgroup2 mount down to ${parent}, ` +
    `\`echo "${missing.map((name) => `+${name}`).join(' ')}" > LEVEL/cgroup.subtree_control\` ` +
    `(a cgroup other than the root that holds processes of its own refuses memory with EBUSY). ` +
    `Under systemd: run the host in a unit with delegation (Delegate=yes in its service, or ` +
    `\`systemd-run --user --scope -p Delegate=yes -- node app.js\`), which offers the controllers the manager has: ` +
    `a user manager is delegated memory and pids, and cpu since systemd 252 ` +
    `(to add one: a drop-in for user@.service with Delegate=pids memory cpu); the delegatee enables them in subtree_control itself.`
  );
}

/** What a failed write most likely means, after the errno code. */
const WRITE_HINTS: Readonly<Record<string, string>> = {
  ENOENT: 'the file is missing: the controller is not enabled for this cgroup (its parent cgroup.subtree_control)',
  EACCES: 'the host may not write it (the cgroup is not delegated to this user)',
  EPERM: 'the host may not write it (the cgroup is not delegated to this user)',
  EINVAL: 'the kernel refused the value',
};

/** Writes `text` to an existing cgroup file in one write: never creates it (cgroupfs answers EACCES to that). */
function writeLimit(file: string, text: string): void {
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    const hint = WRITE_HINTS[code];
    throw Object.assign(new Error(`rxproc: cannot write "${text}" to ${file}: ${code}${hint === undefined ? '' : ` (${hint})`}`, { cause: error }), { code });
  }
}

/**
 * Writes the limits into the run's cgroup `path` (memory.max, pids.max, cpu.max "QUOTA PERIOD" with period
 * 100000). Throws (with the file and errno) when a write fails.
 *
 * The quota is `cpu` × 100000 µs, rounded, and at least 1000 (the kernel's least: `cpu: 0.001` writes
 * "1000 100000", i.e. 0.01 CPU). Writes in the order memory, pids, cpu; a write that fails leaves the ones
 * before it in place (the cgroup is the run's own and goes with it). An empty `limits` writes nothing.
 * The thrown Error carries the errno as `code` and the system error as `cause`.
 */
export function applyLimits(path: string, limits: ProcessLimits): void {
  if (limits.memoryBytes !== undefined) writeLimit(`${path}/memory.max`, String(limits.memoryBytes));
  if (limits.pids !== undefined) writeLimit(`${path}/pids.max`, String(limits.pids));
  if (limits.cpu !== undefined) writeLimit(`${path}/cpu.max`, `${cpuQuota(limits.cpu)} ${CPU_PERIOD_US}`);
}
