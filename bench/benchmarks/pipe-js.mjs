// `cat FILE | wc -c` through JavaScript: an operator between the two processes.
import { lastValueFrom, map } from 'rxjs';
import { spawnPromise, spawn as spawnRx } from 'spawn-rx';
import { collectOutput, pipeTo, spawn$ } from 'rxproc';
import { linesFile } from '../lib/data.mjs';
import { counted, pipelineThrough } from '../lib/processes.mjs';

export default {
  name: 'pipe-js',
  title: 'pipe, JS path: `cat FILE | (JS) | wc -c`',
  unit: 'MB/s',
  baseline: 'stream.pipeline',
  params: { mb: 512 },
  prepare: ({ mb }) => linesFile(mb),
  impls: {
    'stream.pipeline': async ({ path, bytes }) => counted(await pipelineThrough(path, 'wc', ['-c']), bytes),
    'rxproc map + pipeTo': async ({ path, bytes }) =>
      counted(
        (
          await lastValueFrom(
            spawn$('cat', [path]).pipe(
              map((e) => e),
              pipeTo('wc', ['-c']),
              collectOutput(),
            ),
          )
        ).stdout,
        bytes,
      ),
    'spawn-rx stdin': async ({ path, bytes }) => counted(await spawnPromise('wc', ['-c'], { stdin: spawnRx('cat', [path]) }), bytes),
  },
};
