import { Observable, timer, type OperatorFunction, type Subscription } from 'rxjs';
import { ProcessExitError } from '../errors/ProcessExitError.js';
import { SpawnError } from '../errors/SpawnError.js';
import { currentFlowGate, withFlowGate } from '../internal/io/flowGate.js';
import type { RestartEvent } from '../events.js';
import { ioTimeout, type CancelTimeout } from '../internal/io/ioTimeout.js';
import { MAX_TIMER_MS } from '../internal/options/checks.js';

/** Options of {@link retryOnExit}. */
export interface RetryOnExitConfig {
  /** `'failure'` (default) respawns a process that failed; `'always'` also one that exited successfully. */
  readonly when?: 'failure' | 'always';
  /** The most respawns in a row; then the last error is passed on (or, after a success, it completes). Default `Infinity`. */
  readonly count?: number;
  /** Milliseconds before each respawn, or a function of (attempt, error) giving them, e.g. `exponentialBackoff()`. Default 0. */
  readonly delay?: number | ((attempt: number, error: unknown) => number);
  /**
   * A run that stayed up at least this many ms resets the attempt count (a supervisor's stable period): a
   * timer started with each run, confirmed only after the event loop has polled I/O once more, so a run
   * whose end had already happened is never taken for a stable one, however late the loop runs. Default:
   * never (`Infinity`).
   */
  readonly resetAfter?: number;
  /**
   * Which errors lead to a respawn. Default: a `ProcessExitError` (the process ran and failed), or a
   * `SpawnError` that may pass (EAGAIN, EMFILE, ENFILE, ENOMEM); not a missing command, which would only
   * fail again.
   */
  readonly retryIf?: (error: unknown) => boolean;
}

/**
 * Respawns a process when it exits, as a supervisor does: on failure by default, or always (keep-alive),
 * with a bounded count, a delay or backoff between attempts, and a reset after a stable run.
 *
 * @example
 * ```ts
 * import { spawn$, retryOnExit, exponentialBackoff } from 'rxproc';
 *
 * spawn$('node', ['server.js'])
 *   .pipe(retryOnExit({ count: 5, delay: exponentialBackoff({ initial: 100 }), resetAfter: 60_000 }))
 *   .subscribe((event) => {
 *     if (event.type === 'restart') console.log(`restart #${event.attempt} in ${event.delayMs} ms`);
 *   });
 * ```
 *
 * @param config See {@link RetryOnExitConfig}.
 * @returns An operator that passes every event on and emits a `restart` event before each respawn. Attempt
 *   n+1 is subscribed only after attempt n ended (its exit seen). It errors with the last error once `count`
 *   respawns are used, at once for errors `retryIf` rejects (by default a `SpawnError` such as ENOENT), and with a `TypeError` when `delay` gives an
 *   invalid value. Unsubscribing during a delay cancels the respawn.
 * @throws TypeError at call time when an option is invalid.
 */
export function retryOnExit<T>(config: RetryOnExitConfig = {}): OperatorFunction<T, T | RestartEvent> {
  const { when = 'failure', count = Infinity, delay = 0, resetAfter = Infinity, retryIf = isProcessError } = config;
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new TypeError(`retryOnExit: option "${name}" must be ${expected}, got ${String(got)}`);
  };
  if (when !== 'failure' && when !== 'always') fail('when', `'failure' or 'always'`, when);
  if (!(count === Infinity || (Number.isSafeInteger(count) && count >= 0))) fail('count', 'a whole number ≥ 0 or Infinity', count);
  if (typeof delay !== 'function' && !isDelay(delay)) fail('delay', `milliseconds from 0 to ${MAX_TIMER_MS}, or a function`, delay);
  if (!(resetAfter === Infinity || isDelay(resetAfter))) fail('resetAfter', `milliseconds from 0 to ${MAX_TIMER_MS} (or Infinity)`, resetAfter);
  if (typeof retryIf !== 'function') fail('retryIf', 'a function', retryIf);

  return (source) =>
    new Observable<T | RestartEvent>((subscriber) => {
      let attempt = 0;
      // A respawn happens later, from a timer: it rejoins the backpressure of whoever subscribed.
      const gate = currentFlowGate();
      let run: Subscription | undefined;
      let wait: Subscription | undefined;
      // Set when the current run has stayed up resetAfter ms.
      let stable = false;
      let cancelStable: CancelTimeout | undefined;
      subscriber.add(() => {
        cancelStable?.();
        wait?.unsubscribe();
        run?.unsubscribe();
      });

      const ended = (failed: boolean, error: unknown): void => {
        cancelStable?.();
        const finish = (): void => (failed ? subscriber.error(error) : subscriber.complete());
        if (failed && !retryIf(error)) return finish();
        if (stable) attempt = 0;
        if (attempt >= count) return finish();
        attempt++;
        const delayMs = typeof delay === 'function' ? delay(attempt, error) : delay;
        if (!isDelay(delayMs)) {
          return subscriber.error(
            new TypeError(`retryOnExit: the delay function gave ${String(delayMs)} for attempt ${attempt}; expected milliseconds from 0 to ${MAX_TIMER_MS}`),
          );
        }
        subscriber.next({ type: 'restart', attempt, delayMs, error: failed ? error : undefined });
        // RxJS's timer, so that virtual time (TestScheduler) drives the backoff too.
        if (!subscriber.closed) wait = timer(delayMs).subscribe(start);
      };

      const start = (): void => {
        // 0: every run counts as stable, even one that fails before the loop turns.
        stable = resetAfter === 0;
        if (resetAfter !== Infinity && !stable) cancelStable = ioTimeout(resetAfter, () => (stable = true));
        const observer = {
          next: (value: T) => subscriber.next(value),
          error: (error: unknown) => ended(true, error),
          complete: () => (when === 'always' ? ended(false, undefined) : subscriber.complete()),
        };
        run = gate === undefined ? source.subscribe(observer) : withFlowGate(gate, () => source.subscribe(observer));
      };
      start();
    });
}

const TRANSIENT = new Set(['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM']);
const isProcessError = (error: unknown): boolean => error instanceof ProcessExitError || (error instanceof SpawnError && TRANSIENT.has(error.code));
const isDelay = (ms: unknown): ms is number => typeof ms === 'number' && ms >= 0 && ms <= MAX_TIMER_MS;
