import type { Reporter } from './reporter.js';
import { restartTasks, type ActionHost } from './taskActions.js';
import { showEvent, type TaskState } from './taskState.js';
import type { TaskWatcher } from './taskWatcher.js';

/**
 * Watch mode for one task (`watch:`): from its first start to the end of the run, a change under its paths
 * restarts it, and the running tasks that depend on it once it is ready again (`restartTasks`). A change
 * while it is not running (waiting, restarting, stopped by `rxproc stop`) is left to its next start, which
 * sees the files as they are then; while it has failed, the change starts it again.
 */
export function restartOnChange(task: TaskState, host: ActionHost, baseDir: string, reporter: Reporter): TaskWatcher | undefined {
  const config = task.config.watch;
  if (config === undefined) return undefined;
  const onChange = (paths: string[]): void => {
    const failed = task.status === 'failed' && task.awaitingChange === true;
    const live = (task.status === 'running' || task.status === 'completed') && task.restarting !== true && task.held === undefined;
    if (host.isStopping() || !(failed || live)) return;
    const shown = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
    showEvent(task, reporter, 'change', { paths }, `changed (${shown}): restarting`);
    // Refused only when the run began to stop meanwhile: nothing to do then.
    restartTasks(host, [task]).catch(() => undefined);
  };
  const onError = (error: Error): void => reporter.info(`${task.name}: watching its files: ${error.message}`);
  // The watcher (chokidar, picomatch) is loaded by a run that watches only: it costs others 25 ms of start.
  const watcher = import('./taskWatcher.js').then(({ watchTask }) => watchTask(config, baseDir, onChange, onError));
  return {
    ready: watcher.then((started) => started.ready),
    close: async () => (await watcher).close(),
  };
}
