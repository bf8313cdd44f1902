// `cat FILE | wc -c` between two processes: the bytes should never need to enter JavaScript.
import { spawn } from 'node:child_process';
import { lastValueFrom } from 'rxjs';
import { execa } from 'execa';
import { collectOutput, pipeTo, spawn$ } from 'rxproc';
import { linesFile } from '../lib/data.mjs';
import { counted, output } from '../lib/processes.mjs';

export default {
  name: 'pipe',
  title: 'pipe: `cat FILE | wc -c` between two processes',
  unit: 'MB/s',
  baseline: 'raw fd hand-over',
  params: { mb: 1024 },
  prepare: ({ mb }) => linesFile(mb),
  impls: {
    'raw fd hand-over': async ({ path, bytes }) => {
      const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
      const wc = spawn('wc', ['-c'], { stdio: [cat.stdout, 'pipe', 'inherit'] });
      cat.stdout.destroy();
      return counted(await output(wc), bytes);
    },
    'rxproc pipeTo': async ({ path, bytes }) => counted((await lastValueFrom(spawn$('cat', [path]).pipe(pipeTo('wc', ['-c']), collectOutput()))).stdout, bytes),
    'sh pipe': async ({ path, bytes }) => counted(await output(spawn('sh', ['-c', 'cat "$1" | wc -c', 'sh', path])), bytes),
    'execa .pipe': async ({ path, bytes }) => counted((await execa('cat', [path], { buffer: false }).pipe('wc', ['-c'])).stdout, bytes),
  },
};
