// One way per library to run `/bin/true` and wait until it is fully done.
import { spawn as rawSpawn } from 'node:child_process';
import { lastValueFrom } from 'rxjs';
import { execa } from 'execa';
import nanoSpawn from 'nano-spawn';
import { spawnPromise } from 'spawn-rx';
import { x } from 'tinyexec';
import { spawn$ } from 'rxproc';

const TRUE = '/bin/true';

export const spawners = {
  'raw spawn': () => new Promise((resolve, reject) => rawSpawn(TRUE).on('close', resolve).on('error', reject)),
  rxproc: () => lastValueFrom(spawn$(TRUE)),
  // The default ('auto') is a cgroup where the host can make one (root here): the two ways side by side.
  'rxproc, cgroup': () => lastValueFrom(spawn$(TRUE, { containment: 'cgroup' })),
  'rxproc, group': () => lastValueFrom(spawn$(TRUE, { containment: 'group' })),
  execa: () => execa(TRUE),
  'spawn-rx': () => spawnPromise(TRUE, []),
  tinyexec: () => x(TRUE, [], { throwOnError: true }),
  'nano-spawn': () => nanoSpawn(TRUE),
};

/** Runs `count` processes with `run`, at most `concurrency` at a time. */
export async function runMany(run, count, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await run();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count;
}

/** A spawn benchmark with the given concurrency. */
export function spawnBenchmark(name, concurrency) {
  return {
    name,
    title: `spawn: /bin/true ×count, ${concurrency === 1 ? 'one at a time' : `${concurrency} at a time`}`,
    unit: 'processes/s',
    baseline: 'raw spawn',
    params: { count: 500 },
    prepare: async (params) => params,
    impls: Object.fromEntries(
      Object.entries(spawners).map(([impl, run]) => [impl, async ({ count }) => ({ units: await runMany(run, count, concurrency), ok: true })]),
    ),
  };
}
