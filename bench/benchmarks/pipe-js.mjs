// `cat FILE | wc -c` through JavaScript: an operator between the two processes.
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { lastValueFrom, map } from 'rxjs';
import { spawnPromise, spawn as spawnRx } from 'spawn-rx';
import { collectOutput, pipeTo, spawn$ } from 'rxproc';
import { linesFile } from '../lib/data.mjs';

const counted = (stdout, bytes) => ({ units: Number(String(stdout).trim()), ok: Number(String(stdout).trim()) === bytes });

export default {
  name: 'pipe-js',
  title: 'pipe, JS path: `cat FILE | (JS) | wc -c`',
  unit: 'MB/s',
  baseline: 'stream.pipeline',
  params: { mb: 512 },
  prepare: ({ mb }) => linesFile(mb),
  impls: {
    'stream.pipeline': async ({ path, bytes }) => {
      const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
      const wc = spawn('wc', ['-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      wc.stdout.on('data', (chunk) => (out += chunk));
      const closed = new Promise((resolve) => wc.on('close', resolve));
      await pipeline(cat.stdout, wc.stdin);
      await closed;
      return counted(out, bytes);
    },
    'rxproc map + pipeTo': async ({ path, bytes }) =>
      counted((await lastValueFrom(spawn$('cat', [path]).pipe(map((e) => e), pipeTo('wc', ['-c']), collectOutput()))).stdout, bytes),
    'spawn-rx stdin': async ({ path, bytes }) => counted(await spawnPromise('wc', ['-c'], { stdin: spawnRx('cat', [path]) }), bytes),
  },
};
