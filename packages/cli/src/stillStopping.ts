import type { Reporter } from './reporter.js';
import type { TaskState } from './taskState.js';

/** How often rxproc names the tasks that are still stopping. */
const EVERY_MS = 1000;

/**
 * While a run stops, names every second the tasks rxproc has told to stop whose process trees (a stop
 * command's included) are not all gone yet, with how long each has been stopping: "still stopping:
 * db (3 s), api (1 s)", so that what holds the shutdown up is known. Returns the function that ends it.
 */
export function stillStopping(tasks: readonly TaskState[], reporter: Reporter): () => void {
  const timer = setInterval(() => {
    const now = performance.now();
    const names = tasks
      .filter((task) => task.stopStartedAt !== undefined && !task.runs.isSettled())
      .map((task) => `${task.name} (${Math.floor((now - task.stopStartedAt!) / 1000)} s)`);
    if (names.length > 0) reporter.info(`still stopping: ${names.join(', ')}`);
  }, EVERY_MS);
  return () => clearInterval(timer);
}
