// A file of 80-byte lines read through `cat` and split into lines, counted; every count must be exact.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import nanoSpawn from 'nano-spawn';
import { spawn as spawnRx } from 'spawn-rx';
import { x } from 'tinyexec';
import { lines, spawn$ } from 'rxproc';
import { linesFile } from '../lib/data.mjs';
import { counted as countedOutput, output } from '../lib/processes.mjs';

const counted = (n, expected) => ({ units: n, ok: n === expected });

/** A plain Buffer.indexOf splitter, the hand-written reference (no RxJS, no options). */
function rawSplit(path, expected) {
  return new Promise((resolve, reject) => {
    let n = 0;
    let rest = '';
    const child = spawn('cat', [path]);
    child.stdout.on('data', (chunk) => {
      const last = chunk.lastIndexOf(10);
      if (last === -1) return void (rest += chunk.toString());
      const text = rest + chunk.toString('utf8', 0, last);
      rest = chunk.toString('utf8', last + 1);
      for (let from = 0, nl = text.indexOf('\n'); ; nl = text.indexOf('\n', from)) {
        text.slice(from, nl === -1 ? text.length : nl);
        n++;
        if (nl === -1) break;
        from = nl + 1;
      }
    });
    child.on('error', reject).on('close', () => resolve(counted(n + (rest === '' ? 0 : 1), expected)));
  });
}

export default {
  name: 'lines',
  title: 'lines: a file of 80-byte lines through `cat`, split and counted',
  unit: 'lines/s',
  baseline: 'node:readline',
  params: { mb: 200 },
  prepare: ({ mb }) => linesFile(mb),
  impls: {
    'node:readline': ({ path, lines: expected }) =>
      new Promise((resolve, reject) => {
        let n = 0;
        const child = spawn('cat', [path]);
        child.on('error', reject);
        createInterface({ input: child.stdout, crlfDelay: Infinity })
          .on('line', () => n++)
          .on('close', () => resolve(counted(n, expected)));
      }),
    'rxproc lines()': ({ path, lines: expected }) =>
      new Promise((resolve, reject) => {
        let n = 0;
        spawn$('cat', [path])
          .pipe(lines())
          .subscribe({ next: () => n++, error: reject, complete: () => resolve(counted(n, expected)) });
      }),
    'raw indexOf': ({ path, lines: expected }) => rawSplit(path, expected),
    'execa lines': async ({ path, lines: expected }) => {
      let n = 0;
      for await (const _line of execa('cat', [path], { buffer: false })) n++;
      return counted(n, expected);
    },
    'spawn-rx + split': ({ path, lines: expected }) =>
      new Promise((resolve, reject) => {
        let n = 0;
        let rest = '';
        spawnRx('cat', [path]).subscribe({
          next: (text) => {
            const parts = (rest + text).split('\n');
            rest = parts.pop();
            n += parts.length;
          },
          error: reject,
          complete: () => resolve(counted(n + (rest === '' ? 0 : 1), expected)),
        });
      }),
    'tinyexec lines': async ({ path, lines: expected }) => {
      let n = 0;
      for await (const _line of x('cat', [path])) n++;
      return counted(n, expected);
    },
    'nano-spawn lines': async ({ path, lines: expected }) => {
      let n = 0;
      for await (const _line of nanoSpawn('cat', [path])) n++;
      return counted(n, expected);
    },
    'cat | wc -l': async ({ path, lines: expected }) => countedOutput(await output(spawn('sh', ['-c', 'cat "$1" | wc -l', 'sh', path])), expected),
  },
};
