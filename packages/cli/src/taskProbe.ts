import { defer, type Observable } from 'rxjs';
import { PROBE_DEFAULTS, spawn$, waitForExit, waitForHttp, waitForTcp, type ProbeOptions, type ProbeSuccess, type SpawnOptions } from 'rxproc';
import type { RunTracker } from './runTracker.js';
import { HOST_PORT, type ProbeConfig } from './schema.js';

/** The probe's target in words, for messages: `http http://…`, `tcp db:5432`, `exec pg_isready`. */
export function probeName(config: ProbeConfig): string {
  if ('http' in config) return `http ${config.http}`;
  if ('tcp' in config) return `tcp ${config.tcp}`;
  return `exec ${config.exec}`;
}

/**
 * A task's probe as the library's: `waitForHttp`, `waitForTcp`, or `waitForExit` on the shell line, run
 * where the task's own process runs (its host, cwd, env, killSignal, killTimeout, under the watchdog),
 * each run counted in the task's `runs` so that stopping the task waits for it too.
 */
export function taskProbe$(config: ProbeConfig, processOptions: SpawnOptions, runs: RunTracker, options: ProbeOptions): Observable<ProbeSuccess> {
  const timing: ProbeOptions = {
    interval: config.interval ?? PROBE_DEFAULTS.interval,
    timeout: config.timeout ?? PROBE_DEFAULTS.timeout,
    ...('deadline' in config && config.deadline !== undefined ? { deadline: config.deadline } : {}),
    ...options,
  };
  if ('http' in config) return waitForHttp(config.http, timing);
  if ('tcp' in config) {
    const [, bracketed, plain, port] = HOST_PORT.exec(config.tcp)!;
    return waitForTcp((bracketed ?? plain)!, Number(port), timing);
  }
  const check$ = spawn$('/bin/sh', ['-c', config.exec], { ...processOptions, onSettled: () => runs.settled() });
  return waitForExit(
    defer(() => {
      runs.started(1);
      return check$;
    }),
    timing,
  );
}
