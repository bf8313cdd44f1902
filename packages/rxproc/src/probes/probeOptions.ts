import { MAX_TIMER_MS } from '../internal/options/checks.js';

/** How a probe retries (`waitForHttp`, `waitForTcp`, `waitForExit`); every field is optional. */
export interface ProbeOptions {
  /** Milliseconds between the end of a failed attempt and the next one. Default `500`. */
  readonly interval?: number;
  /** The longest an attempt may take, in ms: then it is cancelled and counts as failed (`timed out after N ms`). Default `2000`. */
  readonly timeout?: number;
  /** Milliseconds from the subscription after which the probe errors with `ProbeFailedError`; `Infinity`: never. Default `60000`. */
  readonly deadline?: number;
  /** The most attempts: after the last one fails, the probe errors with `ProbeFailedError`. Default `Infinity`. */
  readonly attempts?: number;
}

/** The options with their defaults filled in. */
export type ResolvedProbeOptions = Required<ProbeOptions>;

/**
 * The defaults of {@link ProbeOptions}: an attempt every half second, each given 2 s, for at most a minute.
 *
 * @example
 * ```ts
 * import { PROBE_DEFAULTS } from 'rxproc';
 *
 * console.log(PROBE_DEFAULTS.deadline); // 60000
 * ```
 */
export const PROBE_DEFAULTS: ResolvedProbeOptions = Object.freeze({ interval: 500, timeout: 2000, deadline: 60_000, attempts: Infinity });

const KEYS = new Set(Object.keys(PROBE_DEFAULTS));

const isMs = (value: unknown, min: number): boolean => typeof value === 'number' && value >= min && value <= MAX_TIMER_MS;

/** Checks the options at call time: a `TypeError` naming the function, the option and the value. */
export function resolveProbeOptions(fn: string, options: ProbeOptions | undefined, extra: ReadonlySet<string> = new Set()): ResolvedProbeOptions {
  if (options === undefined) return PROBE_DEFAULTS;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key) && !extra.has(key)) throw new TypeError(`${fn}: unknown option "${key}" (known: ${[...KEYS, ...extra].join(', ')})`);
  }
  const resolved = { ...PROBE_DEFAULTS, ...stripUndefined(options) };
  const bad = (key: string, expected: string): never => {
    throw new TypeError(`${fn}: option "${key}" must be ${expected}, got ${String((resolved as Record<string, unknown>)[key])}`);
  };
  if (!isMs(resolved.interval, 0)) bad('interval', `milliseconds from 0 to ${MAX_TIMER_MS}`);
  if (!isMs(resolved.timeout, 1)) bad('timeout', `milliseconds from 1 to ${MAX_TIMER_MS}`);
  if (!isMs(resolved.deadline, 1) && resolved.deadline !== Infinity) bad('deadline', `milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`);
  if (!(Number.isInteger(resolved.attempts) && resolved.attempts >= 1) && resolved.attempts !== Infinity) bad('attempts', 'a whole number from 1, or Infinity');
  return resolved;
}

function stripUndefined(options: ProbeOptions): ProbeOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
