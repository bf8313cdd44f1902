import { resolve } from 'node:path';
import { defer, NEVER, type Observable } from 'rxjs';
import { exponentialBackoff, pipeTo, retryOnExit, spawn$, type ProcessEvent, type RestartEvent, type SpawnOptions } from 'rxproc';
import { withColourEnv } from './colourEnv.js';
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
export function commandOf(stage: Pick<StageConfig, 'cmd' | 'args' | 'sh'>): [string, string[]] {
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
    ...(task.containment === undefined ? {} : { containment: task.containment }),
    ...(task.limits === undefined ? {} : { limits: task.limits }),
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
 * The options of the processes run beside a task's own (its probes, its stop command): its first process's
 * cwd, env, host and kill settings, but never its terminal (`tty`), which belongs to the task's process.
 */
export function sideProcessOptions(task: TaskConfig, baseDir: string): SpawnOptions {
  return { ...stageSpawns(task, baseDir)[0]!.options, tty: undefined };
}

/**
 * A task as a process Observable: its command, the `pipe` stages after it (a kernel pipeline), and its
 * `restart` policy through `retryOnExit`. Every subscription (the first run, each restart) is counted in
 * `runs`, and each stage's `onSettled` tells it when that stage's process tree is gone. `stop` is the
 * library's `stop` option, on the first stage (which stops every stage, upstream first): rxproc stops a
 * task through it, so the task's last words and its exit are still heard. `extraEnv` (FORCE_COLOR) goes
 * under the task's own `env` (see colourEnv.ts). `signals` (liveness's kill) go to the first stage's process.
 */
export function taskProcess$(
  task: TaskConfig,
  baseDir: string,
  runs: RunTracker,
  stop: Observable<unknown> = NEVER,
  extraEnv: Readonly<Record<string, string>> = {},
  signals?: Observable<NodeJS.Signals>,
): Observable<ProcessEvent | RestartEvent> {
  const [first, ...stages] = stageSpawns(task, baseDir).map((stage) => ({
    ...stage,
    options: { ...withColourEnv(stage.options, extraEnv), onSettled: () => runs.settled() },
  }));
  // `signals` (liveness's kill) reach the task's own process, the first stage.
  const firstOptions = { ...first!.options, stop, ...(signals === undefined ? {} : { signals }) };
  let pipeline$: Observable<ProcessEvent> = spawn$(first!.command, first!.args, firstOptions);
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
