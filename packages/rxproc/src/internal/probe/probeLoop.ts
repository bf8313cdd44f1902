import { Observable } from 'rxjs';
import { ProbeFailedError, type ProbeKind } from '../../errors/ProbeFailedError.js';
import type { ResolvedProbeOptions } from '../../probes/probeOptions.js';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';

/** What a probe emits once, when an attempt succeeds, before it completes. */
export interface ProbeSuccess {
  readonly probe: ProbeKind;
  readonly target: string;
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** What the successful attempt got: `'HTTP 200'`, `'connection accepted'`, `'exit code 0'`. */
  readonly result: string;
  /** Milliseconds from the subscription to the success. */
  readonly elapsedMs: number;
}

/** Ends an attempt: `ok`, and what it got in words. Calls after the first are ignored. */
export type AttemptDone = (ok: boolean, result: string) => void;

/** Starts one attempt; returns what cancels it (idempotent: sockets destroyed, processes stopped). */
export type Attempt = (done: AttemptDone) => () => void;

/**
 * The retry loop every probe shares: an attempt, then, if it failed, another `interval` ms after it ended,
 * until one succeeds (one value, then complete), the `deadline` passes or the `attempts` run out
 * (`ProbeFailedError`). The attempt's `timeout` and the `deadline` are `ioTimeout`s: an answer already
 * waiting in the event loop when they run out is seen first, however busy the host. The wait between
 * attempts decides nothing, so it is a plain timer. The teardown cancels all of it.
 */
export function probeLoop(probe: ProbeKind, target: string, options: ResolvedProbeOptions, attempt: Attempt): Observable<ProbeSuccess> {
  return new Observable<ProbeSuccess>((subscriber) => {
    const started = performance.now();
    let attempts = 0;
    let lastResult: string | undefined;
    let cancelAttempt: (() => void) | undefined;
    let cancelAttemptTimer: CancelTimeout | undefined;
    let wait: NodeJS.Timeout | undefined;
    let cancelDeadline: CancelTimeout | undefined;
    let over = false;

    const teardown = (): void => {
      over = true;
      cancelDeadline?.();
      cancelAttemptTimer?.();
      if (wait !== undefined) clearTimeout(wait);
      cancelAttempt?.();
      cancelAttempt = cancelAttemptTimer = wait = cancelDeadline = undefined;
    };
    const fail = (reason: 'deadline' | 'attempts'): void => {
      teardown();
      const elapsedMs = performance.now() - started;
      subscriber.error(new ProbeFailedError({ probe, target, attempts, lastResult, elapsedMs, reason, deadline: options.deadline }));
    };
    const next = (): void => {
      wait = undefined;
      attempts++;
      let finished = false;
      const done: AttemptDone = (ok, result) => {
        if (finished || over) return;
        finished = true;
        cancelAttemptTimer?.();
        const cancel = cancelAttempt;
        cancelAttempt = cancelAttemptTimer = undefined;
        cancel?.();
        if (ok) {
          teardown();
          subscriber.next({ probe, target, attempts, result, elapsedMs: performance.now() - started });
          subscriber.complete();
          return;
        }
        lastResult = result;
        if (attempts >= options.attempts) fail('attempts');
        else wait = setTimeout(next, options.interval);
      };
      cancelAttemptTimer = ioTimeout(options.timeout, () => done(false, `timed out after ${options.timeout} ms`));
      try {
        cancelAttempt = attempt(done);
      } catch (error) {
        // Never a throw out of a timer callback or the subscribe: an attempt that cannot start failed.
        cancelAttempt = undefined;
        done(false, error instanceof Error ? error.message : String(error));
      }
      // An attempt that ended at once (inside `attempt`) must not leave its cancel behind.
      if (finished) {
        cancelAttempt?.();
        cancelAttempt = undefined;
      }
    };

    if (options.deadline !== Infinity) cancelDeadline = ioTimeout(options.deadline, () => fail('deadline'));
    next();
    return teardown;
  });
}
