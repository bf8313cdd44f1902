import { ProbeFailedError, type SpawnOptions } from 'rxproc';
import { ioTimeout } from './ioTimeout.js';
import { probeName, taskProbe$ } from './taskProbe.js';
import type { TaskState } from './taskState.js';

/** What the task's readiness watch calls: it became ready, or it cannot be any more (why, in words). */
export interface ReadinessCallbacks {
  readonly ready: () => void;
  readonly notReady: (why: string) => void;
}

/**
 * Watches for a task's readiness beyond its output lines, from its first start on, across restarts: a
 * probe (`http`, `tcp`, `exec`) until it succeeds, or the `deadline` of a `{ pattern, deadline }`. Returns
 * what cancels the watch (the task became ready, ended or is stopped), or `undefined` when there is none.
 * The pattern's deadline is an `ioTimeout`, so a line already waiting in the pipe when it runs out is
 * matched first.
 */
export function watchReadiness(task: TaskState, processOptions: SpawnOptions, callbacks: ReadinessCallbacks): (() => void) | undefined {
  const ready = task.config.ready;
  if (typeof ready !== 'object' || 'delay' in ready) return undefined;
  if ('pattern' in ready) {
    if (ready.deadline === undefined) return undefined;
    const deadline = ready.deadline;
    return ioTimeout(deadline, () => {
      const last = task.lastLine === undefined ? 'no output' : `last line: ${JSON.stringify(task.lastLine.slice(0, 200))}`;
      callbacks.notReady(`not ready: no line matched /${ready.pattern}/ within ${deadline} ms (${last})`);
    });
  }
  const subscription = taskProbe$(ready, processOptions, task.runs, {}).subscribe({
    next: () => callbacks.ready(),
    error: (error: unknown) => {
      if (!(error instanceof ProbeFailedError)) return callbacks.notReady(`not ready: ${probeName(ready)}: ${String(error)}`);
      const attempts = error.attempts === 1 ? '1 attempt' : `${error.attempts} attempts`;
      callbacks.notReady(
        `not ready: ${probeName(ready)} did not succeed within ${error.deadline} ms (${attempts}); last: ${error.lastResult ?? 'no attempt had finished'}`,
      );
    },
  });
  return () => subscription.unsubscribe();
}
