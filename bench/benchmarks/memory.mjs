// A fast producer into a slow consumer: the host's memory must stay bounded, whatever the data size.
import { lastValueFrom, map } from 'rxjs';
import { spawnPromise, spawn as spawnRx } from 'spawn-rx';
import { collectOutput, pipeTo, spawn$ } from 'rxproc';
import { linesFile } from '../lib/data.mjs';
import { counted, pipelineThrough } from '../lib/processes.mjs';

// Reads 1 MiB, then sleeps 2 ms: a few hundred MB/s at most, slower than `cat`.
const SLOW = [
  'python3',
  ['-c', 'import sys,time\nr=sys.stdin.buffer\nn=0\nwhile True:\n  b=r.read(1<<20)\n  if not b: break\n  n+=len(b)\n  time.sleep(0.002)\nprint(n)'],
];

export default {
  name: 'memory',
  title: 'memory: `cat FILE | slow reader` (1 MiB per 2 ms); watch peak RSS',
  unit: 'MB/s',
  baseline: 'stream.pipeline',
  params: { mb: 1024 },
  prepare: ({ mb }) => linesFile(mb),
  impls: {
    'stream.pipeline': async ({ path, bytes }) => counted(await pipelineThrough(path, ...SLOW), bytes),
    'rxproc pipeTo': async ({ path, bytes }) => counted((await lastValueFrom(spawn$('cat', [path]).pipe(pipeTo(...SLOW), collectOutput()))).stdout, bytes),
    'rxproc map + pipeTo': async ({ path, bytes }) =>
      counted(
        (
          await lastValueFrom(
            spawn$('cat', [path]).pipe(
              map((e) => e),
              pipeTo(...SLOW),
              collectOutput(),
            ),
          )
        ).stdout,
        bytes,
      ),
    'spawn-rx stdin': async ({ path, bytes }) => counted(await spawnPromise(SLOW[0], SLOW[1], { stdin: spawnRx('cat', [path]) }), bytes),
  },
};
