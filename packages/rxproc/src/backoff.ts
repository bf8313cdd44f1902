import { MAX_TIMER_MS } from './internal/options/checks.js';

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffConfig {
  /** The first delay, in ms. Default 100. */
  readonly initial?: number;
  /** Each delay is the previous one times this. Default 2. */
  readonly factor?: number;
  /** The longest delay, in ms. Default 30 000. */
  readonly max?: number;
  /**
   * A fraction from 0 to 1: each delay is shortened by a random part of up to this much, so that many
   * processes failing together do not all restart in the same instant. Default 0.
   */
  readonly jitter?: number;
}

/**
 * A delay function for `retryOnExit`: `initial`, then times `factor` per attempt, up to `max`, with
 * optional random `jitter`.
 *
 * @example
 * ```ts
 * import { spawn$, retryOnExit, exponentialBackoff } from 'rxproc';
 *
 * // 200 ms, 400 ms, 800 ms, … up to 10 s between respawns, each up to 20 % shorter at random.
 * spawn$('my-server').pipe(retryOnExit({ delay: exponentialBackoff({ initial: 200, max: 10_000, jitter: 0.2 }) }));
 * ```
 *
 * @param config See {@link ExponentialBackoffConfig}.
 * @returns A function of the attempt number (1 for the first respawn) giving the delay in ms.
 * @throws TypeError when an option is out of range.
 */
export function exponentialBackoff(config: ExponentialBackoffConfig = {}): (attempt: number) => number {
  const { initial = 100, factor = 2, max = 30_000, jitter = 0 } = config;
  const check = (name: string, value: number, ok: boolean): void => {
    if (!ok) throw new TypeError(`exponentialBackoff: option "${name}" is out of range, got ${String(value)}`);
  };
  check('initial', initial, Number.isFinite(initial) && initial >= 0);
  check('factor', factor, Number.isFinite(factor) && factor >= 1);
  check('max', max, max >= initial && !Number.isNaN(max));
  check('jitter', jitter, jitter >= 0 && jitter <= 1);
  return (attempt) => {
    // Node's timers cannot wait longer than MAX_TIMER_MS, whatever `max` says.
    const base = Math.min(max, MAX_TIMER_MS, initial * factor ** Math.max(0, attempt - 1));
    return Math.round(base * (1 - jitter * Math.random()));
  };
}
