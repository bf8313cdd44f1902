import { killAllNow as killEveryTree } from './internal/terminate/registry.js';

/**
 * Sends `SIGKILL` at once to every process tree rxproc is running or stopping (each whole process group,
 * without waiting for `killTimeout`), and to rxproc's own shared ssh connections. For an emergency stop:
 * the second Ctrl-C of a supervisor, or a test that must not leave anything behind. The Observables of
 * processes still subscribed then end as their process does (killed by `SIGKILL`: a `ProcessExitError`);
 * a tree being stopped after an unsubscribe is gone as soon as the kernel has reaped it, and
 * `liveProcessCount()` drops accordingly. Trees already gone are not signalled.
 *
 * @example
 * ```ts
 * import { spawn$, killAllNow } from 'rxproc';
 *
 * // A process that ignores SIGTERM and has a long grace period.
 * const subscription = spawn$('sh', ['-c', "trap '' TERM; sleep 60"], { killTimeout: 60_000 }).subscribe();
 * subscription.unsubscribe(); // SIGTERM: ignored, SIGKILL would follow in 60 s
 * killAllNow();               // SIGKILL now
 * ```
 */
export function killAllNow(): void {
  killEveryTree();
}
