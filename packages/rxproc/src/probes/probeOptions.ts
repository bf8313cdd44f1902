import { isMs, MAX_TIMER_MS, reject } from '../internal/options/checks.js';

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

/** Checks the options at call time: a `TypeError` naming the function, the option and the value. */
export function resolveProbeOptions(fn: string, options: ProbeOptions | undefined): ResolvedProbeOptions {
  if (options === undefined) return PROBE_DEFAULTS;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new TypeError(`${fn}: unknown option "${key}" (known: ${[...KEYS].join(', ')})`);
  }
  const resolved = { ...PROBE_DEFAULTS, ...stripUndefined(options) };
  const { interval, timeout, deadline, attempts } = resolved;
  if (!isMs(interval, 0, false)) reject(fn, 'interval', `milliseconds from 0 to ${MAX_TIMER_MS}`, interval);
  if (!isMs(timeout, 1, false)) reject(fn, 'timeout', `milliseconds from 1 to ${MAX_TIMER_MS}`, timeout);
  if (!isMs(deadline, 1)) reject(fn, 'deadline', `milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`, deadline);
  if (!(Number.isInteger(attempts) && attempts >= 1) && attempts !== Infinity) reject(fn, 'attempts', 'a whole number from 1, or Infinity', attempts);
  return resolved;
}

function stripUndefined(options: ProbeOptions): ProbeOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
