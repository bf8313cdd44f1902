import { ReplaySubject } from 'rxjs';
import { ControlError } from './control/protocol.js';
import { closest } from './didYouMean.js';
import type { TaskFile } from './schema.js';
import { stopInWaves } from './stopInWaves.js';
import { closure, dependenciesOf } from './taskGraph.js';
import { cancelWatches, type TaskState } from './taskState.js';

/** What restarting, stopping and starting tasks on request needs of the run (the Supervisor). */
export interface ActionHost {
  readonly file: TaskFile;
  readonly tasks: readonly TaskState[];
  /** Whether the whole run is stopping. */
  isStopping(): boolean;
  /** Stops one live task (gracefully: its last words and exit are still shown). */
  stopTask(task: TaskState): void;
  /** Starts every waiting task whose dependencies are met. */
  startWhatCan(): void;
}

const isLive = (task: TaskState): boolean => task.status === 'running' || task.status === 'ready';

/** The run's tasks of these names (each once), or a `no-such-task` error naming the closest one. */
export function tasksNamed(host: ActionHost, names: readonly string[]): TaskState[] {
  const known = host.tasks.map((task) => task.name);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    const hint = closest(unknown, known);
    throw new ControlError(
      'no-such-task',
      `no task named "${unknown}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}: the tasks are ${known.join(', ')}`,
    );
  }
  return [...new Set(names)].map((name) => host.tasks.find((task) => task.name === name)!);
}

function refuseWhileStopping(host: ActionHost): void {
  if (host.isStopping()) throw new ControlError('stopping', 'the run is stopping');
}

/** Why a task that is not running cannot be restarted, in words. */
function notRunning(task: TaskState): string | undefined {
  if (task.held !== undefined)
    return `${task.name} is not running (${task.held === 'asked' ? 'stopped by rxproc stop' : 'autostart: false'}): start it with "rxproc start ${task.name}"`;
  if (task.status === 'waiting') return `${task.name} has not started yet: it waits for ${[...dependenciesOf(task.config).keys()].join(', ')}`;
  if (task.status === 'skipped' || task.status === 'stopped') return `${task.name} is not running (${task.status})`;
  return undefined;
}

/** Makes a task new again, to be started by `startWhatCan`: its old run dropped, its watches cancelled. */
export function resetForStart(task: TaskState): void {
  task.subscription?.unsubscribe();
  task.stopCommand?.unsubscribe();
  task.stopTimer?.();
  cancelWatches(task);
  Object.assign(task, { status: 'waiting', isReady: false, exitCode: null, signal: null, stopSignal: new ReplaySubject<void>(1) });
  for (const key of [
    'held',
    'restarting',
    'awaitingChange',
    'exitSeen',
    'pid',
    'failure',
    'spawnedAt',
    'stopStartedAt',
    'endedAt',
    'readyWatch',
    'readyTimer',
  ] as const) {
    delete task[key];
  }
}

/**
 * Restarts tasks (`rxproc restart`, a watched change), once they pass the checks (`announce` is called then): they and the running tasks that depend on them
 * are stopped in waves (dependents first, each tree gone before the next wave), then started again in
 * dependency order, each dependent once what it waits for is ready again. A task already restarting is
 * left to that restart. Resolves with the names restarted, once the old trees are gone.
 */
export async function restartTasks(host: ActionHost, tasks: readonly TaskState[], announce: () => void = () => undefined): Promise<string[]> {
  refuseWhileStopping(host);
  for (const task of tasks) {
    const why = task.restarting === true ? undefined : notRunning(task);
    if (why !== undefined) throw new ControlError('not-running', why);
  }
  announce();
  const named = new Set(tasks.map((task) => task.name));
  const reach = closure(host.file, named, 'dependents');
  const affected = host.tasks.filter(
    (task) =>
      reach.has(task.name) &&
      task.restarting !== true &&
      (named.has(task.name) || (task.held === undefined && task.status !== 'waiting' && task.status !== 'skipped')),
  );
  for (const task of affected) task.restarting = true;
  await stopInWaves(host.file, affected, (task) => host.stopTask(task));
  for (const task of affected) task.restarting = false;
  // The whole run's stop came meanwhile: it has them.
  if (host.isStopping()) throw new ControlError('stopping', 'the run began to stop during the restart');
  // A task `rxproc stop` asked for meanwhile stays stopped.
  const restarted = affected.filter((task) => task.held === undefined);
  for (const task of restarted) {
    resetForStart(task);
    task.restarts++;
  }
  host.startWhatCan();
  return restarted.map((task) => task.name);
}

/**
 * Stops tasks (`rxproc stop TASK…`), dependents first among them, and holds them: they stay stopped until
 * `rxproc start`, the tasks waiting for them keep waiting, and the run goes on. Resolves once their trees
 * are gone, with the names stopped and those that were not running.
 */
export async function stopTasks(
  host: ActionHost,
  tasks: readonly TaskState[],
  announce: () => void = () => undefined,
): Promise<{ stopped: string[]; notRunning: string[] }> {
  refuseWhileStopping(host);
  const stopping = tasks.filter((task) => isLive(task) || task.restarting === true || (task.status === 'waiting' && task.held === undefined));
  const stopped = stopping.map((task) => task.name);
  const idle = tasks.filter((task) => !stopping.includes(task)).map((task) => task.name);
  if (stopped.length > 0) announce();
  for (const task of stopping) {
    task.held = 'asked';
    // Not started yet: it simply will not be.
    if (task.status === 'waiting') task.status = 'stopped';
  }
  await stopInWaves(
    host.file,
    tasks.filter((task) => stopped.includes(task.name)),
    (task) => host.stopTask(task),
  );
  return { stopped, notRunning: idle };
}

/**
 * Starts tasks (`rxproc start TASK…`): stopped ones, those declared `autostart: false`, or ended ones again,
 * with the held tasks they depend on; each starts once its dependencies are met. A task that is running or
 * waiting to start is refused (`already-running`).
 */
export function startTasks(host: ActionHost, tasks: readonly TaskState[], announce: () => void = () => undefined): string[] {
  refuseWhileStopping(host);
  for (const task of tasks) {
    if (task.status === 'stopped' && !task.runs.isSettled()) throw new ControlError('stopping', `${task.name} is still stopping: start it once it is gone`);
    const starting = task.status === 'waiting' && task.held === undefined;
    if (isLive(task) || starting || task.restarting === true) {
      const how =
        task.restarting === true ? 'is restarting' : starting ? 'is already starting (waiting for its dependencies)' : `is already running (pid ${task.pid})`;
      throw new ControlError('already-running', `${task.name} ${how}`);
    }
  }
  announce();
  const named = new Set(tasks.map((task) => task.name));
  const reach = closure(host.file, named, 'dependencies');
  const starting = host.tasks.filter((task) => reach.has(task.name) && (named.has(task.name) || task.held !== undefined));
  for (const task of starting) resetForStart(task);
  host.startWhatCan();
  return starting.map((task) => task.name);
}
