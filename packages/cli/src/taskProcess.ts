import { resolve } from 'node:path';
import { defer, type Observable } from 'rxjs';
import { exponentialBackoff, pipeTo, retryOnExit, spawn$, type ProcessEvent, type RestartEvent, type SpawnOptions } from 'rxproc';
import type { RunTracker } from './runTracker.js';
import type { StageConfig, TaskConfig } from './schema.js';

/** One process of a task: what `spawn$` (the task's command) or `pipeTo` (a `pipe` stage) is called with. */
export interface StageSpawn {
  readonly command: string;
  readonly args: string[];
  readonly options: SpawnOptions;
  /** A `pipe` stage's `from`: which output of the stage before it it reads (pipeTo's option). */
  readonly from?: 'stdout' | 'stderr' | 'all';
}

/** A stage's program and arguments: `cmd` + `args`, or `sh` through `/bin/sh -c`. */
function commandOf(stage: StageConfig): [string, string[]] {
  return stage.sh !== undefined ? ['/bin/sh', ['-c', stage.sh]] : [stage.cmd!, stage.args ?? []];
}

/** Host and cwd: a local cwd is relative to the task file; a remote one is the remote host's (default: home). */
function where(config: { host?: TaskConfig['host']; cwd?: string }, baseDir: string): SpawnOptions {
  if (config.host === undefined) return { cwd: resolve(baseDir, config.cwd ?? '.') };
  return { host: config.host, ...(config.cwd === undefined ? {} : { cwd: config.cwd }) };
}

/**
 * The processes of a task, in order: its command, then its `pipe` stages. Processes are watched by the
 * watchdog, so that even a SIGKILLed rxproc leaves nothing behind. The task file's loader checks these
 * options by calling `spawn$` with them; the run uses the very same.
 */
export function stageSpawns(task: TaskConfig, baseDir: string): StageSpawn[] {
  const common: SpawnOptions = {
    ...(task.env === undefined ? {} : { env: task.env }),
    ...(task.killSignal === undefined ? {} : { killSignal: task.killSignal }),
    ...(task.killTimeout === undefined ? {} : { killTimeout: task.killTimeout }),
    watchdog: true,
  };
  const [command, args] = commandOf(task);
  const spawns = [{ command, args, options: { ...common, ...where(task, baseDir), ...(task.tty === true ? { tty: true } : {}) } }];
  // A stage runs where its own `host` says (here by default), like pipeTo in the library.
  // The task's cwd is for the stages on the same side: here for a local task, there for a remote one.
  for (const stage of task.pipe ?? []) {
    const cwd = (stage.host === undefined) === (task.host === undefined) ? task.cwd : undefined;
    const [stageCommand, stageArgs] = commandOf(stage);
    const options = { ...common, ...where({ host: stage.host, cwd }, baseDir) };
    spawns.push({ command: stageCommand, args: stageArgs, options, ...(stage.from === undefined ? {} : { from: stage.from }) });
  }
  return spawns;
}

/**
 * A task as a process Observable: its command, the `pipe` stages after it (a kernel pipeline), and its
 * `restart` policy through `retryOnExit`. Every subscription (the first run, each restart) is counted in
 * `runs`, and each stage's `onSettled` tells it when that stage's process tree is gone.
 */
export function taskProcess$(task: TaskConfig, baseDir: string, runs: RunTracker): Observable<ProcessEvent | RestartEvent> {
  const [first, ...stages] = stageSpawns(task, baseDir).map((stage) => ({ ...stage, options: { ...stage.options, onSettled: () => runs.settled() } }));
  let pipeline$: Observable<ProcessEvent> = spawn$(first!.command, first!.args, first!.options);
  for (const stage of stages) pipeline$ = pipeline$.pipe(pipeTo(stage.command, stage.args, { ...stage.options, from: stage.from }));
  const counted$ = defer(() => {
    runs.started(1 + stages.length);
    return pipeline$;
  });
  const restart = typeof task.restart === 'string' ? { when: task.restart } : task.restart;
  if (restart === undefined || restart.when === 'never') return counted$;
  const { when, count, delay = 100, backoff = 2, maxDelay = 10_000, resetAfter } = restart;
  return counted$.pipe(
    retryOnExit({
      when: when === 'always' ? 'always' : 'failure',
      ...(count === undefined ? {} : { count }),
      ...(resetAfter === undefined ? {} : { resetAfter }),
      delay: exponentialBackoff({ initial: delay, factor: backoff, max: Math.max(maxDelay, delay) }),
    }),
  );
}
