import { ioTimeout } from './ioTimeout.js';
import type { TaskFile } from './schema.js';
import { stopWaves } from './taskGraph.js';
import { stopBudget } from './taskStop.js';
import type { TaskState } from './taskState.js';

/** Beyond a wave's largest stop budget (killTimeout; twice that with a stop command), how long its trees may take to be seen gone. */
const GRACE_MS = 1000;

const isLive = (task: TaskState): boolean => task.status === 'running' || task.status === 'ready';

/**
 * Resolves once every process tree of the wave's tasks is gone (each stage's `onSettled`, every run's),
 * or at the deadline: the wave's largest stop budget (a stop command's killTimeout, then killTimeout until
 * SIGKILL), and a grace.
 * Past it the wave is given up on, after one more I/O poll (a tree whose end is already waiting there is
 * seen).
 */
function waveSettled(wave: readonly TaskState[]): Promise<void> {
  const budget = Math.max(0, ...wave.map(stopBudget));
  return new Promise((resolve) => {
    const cancel = ioTimeout(budget + GRACE_MS, resolve);
    void Promise.all(wave.map((task) => task.runs.allSettled())).then(() => {
      cancel();
      resolve();
    });
  });
}

/**
 * Stops the tasks in waves, dependents before what they depend on (see `stopWaves`): the live tasks of a
 * wave are stopped with `stop`, and the next wave waits until the trees of this one are gone. Only `tasks`
 * are stopped (all of the run's, or those `rxproc stop` or a restart names).
 */
export async function stopInWaves(file: TaskFile, tasks: readonly TaskState[], stop: (task: TaskState) => void): Promise<void> {
  const byName = new Map(tasks.map((task) => [task.name, task]));
  for (const names of stopWaves(file)) {
    const wave = names.flatMap((name) => byName.get(name) ?? []);
    if (wave.length === 0) continue;
    for (const task of wave.filter(isLive)) stop(task);
    await waveSettled(wave);
  }
}
