// Ways to read a file's lines through `cat`, one per implementation of the `lines` benchmarks; each
// resolves to { units: lines counted, ok: the count is exact }.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import nanoSpawn from 'nano-spawn';
import { spawn as spawnRx } from 'spawn-rx';
import { x } from 'tinyexec';
import { lines, spawn$ } from 'rxproc';
import { counted as countedOutput, output } from './processes.mjs';

const counted = (n, expected) => ({ units: n, ok: n === expected });

/** Runs `cat path`, hands each stdout chunk to `onChunk`, and resolves with `finish()`'s count at the close. */
function catChunks(path, expected, onChunk, finish) {
  return new Promise((resolve, reject) => {
    const child = spawn('cat', [path]);
    child.stdout.on('data', onChunk);
    child.on('error', reject).on('close', () => resolve(counted(finish(), expected)));
  });
}

/** A plain `Buffer.indexOf` splitter: each chunk's complete lines decoded by one `toString`, cut with indexOf. */
function bufferIndexOf({ path, lines: expected }) {
  let n = 0;
  let rest = '';
  return catChunks(
    path,
    expected,
    (chunk) => {
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
    },
    () => n + (rest === '' ? 0 : 1),
  );
}

/** A streaming `TextDecoder` + `indexOf` splitter: every chunk decoded (a character cut in two waits in the decoder), cut in the string. */
function textDecoderSplit({ path, lines: expected }) {
  let n = 0;
  let rest = '';
  const decoder = new TextDecoder();
  return catChunks(
    path,
    expected,
    (chunk) => {
      const text = rest + decoder.decode(chunk, { stream: true });
      let from = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
        text.slice(from, nl);
        n++;
        from = nl + 1;
      }
      rest = text.slice(from);
    },
    () => n + (rest + decoder.decode() === '' ? 0 : 1),
  );
}

/** Every implementation, by the name its row has. */
export const lineReaders = {
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
  'Buffer indexOf splitter': bufferIndexOf,
  'TextDecoder splitter': textDecoderSplit,
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
};

/** The implementations named, in that order. */
export const pick = (...names) => Object.fromEntries(names.map((name) => [name, lineReaders[name]]));
