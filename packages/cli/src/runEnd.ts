import type { TaskFile } from './schema.js';
import type { TaskState } from './taskState.js';

/**
 * Whether the run should end now, with which code and why: when the `until` task has ended (its code);
 * at the first failure (fail-fast; a task with `watch` that failed waits for a change instead), or a task
 * that could not start; when every task has completed. A task stopped by `rxproc stop TASK` keeps the run
 * (it may be started again); one never started because of `autostart: false` does not.
 */
export function runEnd(file: TaskFile, tasks: readonly TaskState[]): { readonly code: number; readonly why: string } | undefined {
  const until = file.until === undefined ? undefined : tasks.find((t) => t.name === file.until);
  if (until !== undefined && (until.status === 'completed' || until.status === 'failed' || until.status === 'skipped')) {
    const code = until.status === 'completed' ? 0 : until.exitCode !== null && until.exitCode !== 0 ? until.exitCode : 1;
    const how = until.status === 'completed' ? 'completed' : until.status === 'skipped' ? `was ${until.failure ?? 'not started'}` : 'failed';
    return { code, why: `${until.name} ${how}: stopping the rest` };
  }
  const failed = tasks.find((t) => t.status === 'failed' && t.awaitingChange !== true) ?? tasks.find((t) => t.status === 'skipped');
  if (failed !== undefined) {
    const how = failed.status === 'failed' ? 'failed' : `was ${failed.failure ?? 'not started'}`;
    return { code: 1, why: `${failed.name} ${how}: stopping the rest` };
  }
  const started = tasks.filter((t) => t.held !== 'autostart');
  if (started.length > 0 && started.every((t) => t.status === 'completed')) return { code: 0, why: 'every task completed' };
  return undefined;
}
