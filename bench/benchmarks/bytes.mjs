// Bytes from a process consumed as fast as possible: `head -c N /dev/zero`.
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { spawn as spawnRx } from 'spawn-rx';
import { spawn$ } from 'rxproc';
import { MiB } from '../lib/data.mjs';

const args = (bytes) => ['-c', String(bytes), '/dev/zero'];
const done = (units, bytes) => ({ units, ok: units === bytes });

export default {
  name: 'bytes',
  title: 'bytes: `head -c N /dev/zero` read to the end',
  unit: 'MB/s',
  baseline: "raw 'data'",
  params: { mb: 1024 },
  prepare: async ({ mb }) => ({ bytes: mb * MiB }),
  impls: {
    "raw 'data'": ({ bytes }) =>
      new Promise((resolve, reject) => {
        let n = 0;
        const child = spawn('head', args(bytes));
        child.stdout.on('data', (chunk) => (n += chunk.length));
        child.on('error', reject).on('close', () => resolve(done(n, bytes)));
      }),
    rxproc: ({ bytes }) =>
      new Promise((resolve, reject) => {
        let n = 0;
        spawn$('head', args(bytes)).subscribe({
          next: (event) => {
            if (event.type === 'stdout') n += event.data.length;
          },
          error: reject,
          complete: () => resolve(done(n, bytes)),
        });
      }),
    execa: async ({ bytes }) => {
      let n = 0;
      for await (const chunk of execa('head', args(bytes), { buffer: false }).iterable({ binary: true })) n += chunk.length;
      return done(n, bytes);
    },
    'spawn-rx': ({ bytes }) =>
      new Promise((resolve, reject) => {
        let n = 0;
        spawnRx('head', args(bytes)).subscribe({ next: (text) => (n += text.length), error: reject, complete: () => resolve(done(n, bytes)) });
      }),
  },
};
