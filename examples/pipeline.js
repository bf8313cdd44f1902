// A shell pipeline as Observables: the three processes are joined by kernel pipes (no byte passes through
// JavaScript), `lines()` splits the result, and `head` ending early stops the stages that feed it.
import { lastValueFrom, toArray } from 'rxjs';
import { lines, pipeTo, spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

export async function main(log) {
  log(`$ cat packages/rxproc/src/*.ts packages/rxproc/src/*/*.ts | grep -c export   (how many exports the sources declare)`);
  const [count] = await lastValueFrom(
    spawn$('sh', ['-c', 'cat packages/rxproc/src/*.ts packages/rxproc/src/*/*.ts']).pipe(pipeTo('grep', ['-c', 'export']), lines(), toArray()),
  );
  log(`  ${count}`);

  log(`$ yes | head -n 3 | tr y Y   (an endless producer, stopped once head has what it wants)`);
  for (const line of await lastValueFrom(spawn$('yes').pipe(pipeTo('head', ['-n', '3']), pipeTo('tr', ['y', 'Y']), lines(), toArray()))) {
    log(`  ${line}`);
  }
}

runIfMain(import.meta, main);
