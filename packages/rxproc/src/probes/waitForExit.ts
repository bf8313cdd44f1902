import type { Observable } from 'rxjs';
import { formatCommand } from '../errors/formatCommand.js';
import { ProcessExitError } from '../errors/ProcessExitError.js';
import { SpawnError } from '../errors/SpawnError.js';
import type { ProcessEvent } from '../events.js';
import { probeLoop, type ProbeSuccess } from '../internal/probe/probeLoop.js';
import { ProcessObservable } from '../processObservable.js';
import { resolveProbeOptions, type ProbeOptions } from './probeOptions.js';

/**
 * Waits until a process exits successfully: subscribes to `process$` (from `spawn$`, `cmd$` or a pipeline)
 * every `interval` ms, each run bounded by `timeout` (then stopped as an unsubscribe stops it: its whole
 * process tree, `killSignal` then `SIGKILL`), until one completes. Then it emits one {@link ProbeSuccess}
 * (`result: 'exit code 0'`) and completes; after `deadline` ms, or `attempts` failures, it errors with
 * `ProbeFailedError` whose message says how the last run ended (`exit code 1`, `killed by SIGTERM`,
 * `failed to start (ENOENT)`). The process's output is not kept. Unsubscribing stops the running attempt
 * and clears the timers.
 *
 * @example
 * ```ts
 * import { spawn$, waitForExit } from 'rxproc';
 *
 * waitForExit(spawn$('pg_isready', ['-h', '127.0.0.1']), { interval: 500, deadline: 30_000 }).subscribe({
 *   next: ({ attempts }) => console.log(`postgres accepts connections (${attempts} attempts)`),
 *   error: (err: Error) => console.error(err.message),
 * });
 * ```
 */
export function waitForExit(process$: Observable<ProcessEvent>, options?: ProbeOptions): Observable<ProbeSuccess> {
  if (typeof (process$ as { subscribe?: unknown } | null)?.subscribe !== 'function') {
    throw new TypeError(`waitForExit: expected a process Observable (from spawn$ or cmd$), got ${typeof process$}`);
  }
  const resolved = resolveProbeOptions('waitForExit', options);
  const target = process$ instanceof ProcessObservable ? formatCommand(process$.command, process$.args) : 'a process';
  return probeLoop('exec', target, resolved, (done) => {
    const subscription = process$.subscribe({
      error: (error: unknown) => done(false, describeEnd(error)),
      complete: () => done(true, 'exit code 0'),
    });
    return () => subscription.unsubscribe();
  });
}

function describeEnd(error: unknown): string {
  if (error instanceof ProcessExitError) return error.signal !== null ? `killed by ${error.signal}` : `exit code ${error.exitCode}`;
  if (error instanceof SpawnError) return `failed to start (${error.code})`;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
