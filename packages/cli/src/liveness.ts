import type { Subscription } from 'rxjs';
import { ProbeFailedError, type ProbeOptions, type SpawnOptions } from 'rxproc';
import type { LivenessConfig } from './schema.js';
import { probeName, taskProbe$ } from './taskProbe.js';
import type { TaskState } from './taskState.js';

/** How many failed checks in a row make a task unhealthy, unless `failures` says. */
export const DEFAULT_FAILURES = 3;
/** How often a running, ready task is checked, unless `interval` says (ms). */
export const DEFAULT_LIVENESS_INTERVAL = 5000;

/**
 * A task's `liveness`: once the task is ready, one check (a single probe attempt, bounded by `timeout`)
 * every `interval` ms while its process runs; after `failures` failed checks in a row, `unhealthy` is
 * called with why (and checking stops until the next start). A check that succeeds resets the count, and
 * so does a new start. The wait between checks decides nothing, so it is a plain timer.
 */
export class Liveness {
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private check: Subscription | undefined;

  constructor(
    private readonly task: TaskState,
    private readonly config: LivenessConfig,
    private readonly processOptions: SpawnOptions,
    private readonly unhealthy: (why: string) => void,
  ) {}

  /** The task's process runs and the task is ready: start checking (again), from a count of 0. */
  resume(): void {
    this.pause();
    this.failures = 0;
    this.schedule();
  }

  /** No process runs (it exited, or the task is stopped or over): no checks. Idempotent. */
  pause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.check?.unsubscribe();
    this.timer = this.check = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.run(), this.config.interval ?? DEFAULT_LIVENESS_INTERVAL);
  }

  private run(): void {
    this.timer = undefined;
    const once: ProbeOptions = { attempts: 1, deadline: Infinity };
    this.check = taskProbe$(this.config, this.processOptions, this.task.runs, once).subscribe({
      complete: () => {
        this.failures = 0;
        this.schedule();
      },
      error: (error: unknown) => {
        this.check = undefined;
        const got = error instanceof ProbeFailedError ? (error.lastResult ?? 'no answer') : String(error);
        const limit = this.config.failures ?? DEFAULT_FAILURES;
        if (++this.failures < limit) return this.schedule();
        this.unhealthy(`liveness: ${probeName(this.config)} failed ${limit} time${limit === 1 ? '' : 's'} in a row (last: ${got})`);
      },
    });
  }
}
