import { resolve } from 'node:path';
import type { Observable } from 'rxjs';
import { exponentialBackoff } from '../backoff.js';
import type { ProcessEvent, RestartEvent } from '../events.js';
import { pipeTo } from '../operators/pipeTo.js';
import { retryOnExit } from '../operators/retryOnExit.js';
import type { SpawnOptions } from '../options.js';
import { spawn$ } from '../spawn.js';
import type { StageConfig, TaskConfig } from './schema.js';

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
 * A task as a process Observable: its command, the `pipe` stages after it (a kernel pipeline), and its
 * `restart` policy through `retryOnExit`. Processes are watched by the watchdog, so that even a SIGKILLed
 * rxproc leaves nothing behind.
 */
export function taskProcess$(task: TaskConfig, baseDir: string): Observable<ProcessEvent | RestartEvent> {
  const common: SpawnOptions = {
    ...(task.env === undefined ? {} : { env: task.env }),
    ...(task.killSignal === undefined ? {} : { killSignal: task.killSignal }),
    ...(task.killTimeout === undefined ? {} : { killTimeout: task.killTimeout }),
    watchdog: true,
  };
  const [command, args] = commandOf(task);
  let process$: Observable<ProcessEvent> = spawn$(command, args, { ...common, ...where(task, baseDir) });
  // A stage runs where its own `host` says (here by default), like pipeTo in the library.
  // The task's cwd is for the stages on the same side: here for a local task, there for a remote one.
  for (const stage of task.pipe ?? []) {
    const cwd = (stage.host === undefined) === (task.host === undefined) ? task.cwd : undefined;
    process$ = process$.pipe(pipeTo(...commandOf(stage), { ...common, ...where({ host: stage.host, cwd }, baseDir) }));
  }
  const restart = typeof task.restart === 'string' ? { when: task.restart } : task.restart;
  if (restart === undefined || restart.when === 'never') return process$;
  const { when, count, delay = 100, backoff = 2, maxDelay = 10_000, resetAfter } = restart;
  return process$.pipe(
    retryOnExit({
      when: when === 'always' ? 'always' : 'failure',
      ...(count === undefined ? {} : { count }),
      ...(resetAfter === undefined ? {} : { resetAfter }),
      delay: exponentialBackoff({ initial: delay, factor: backoff, max: Math.max(maxDelay, delay) }),
    }),
  );
}
