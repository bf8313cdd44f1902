// Reading a process's output as events: count the lines of the project's own sources with `wc -l`.
import { lastValueFrom, reduce } from 'rxjs';
import { spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

export async function main(log) {
  const files = ['packages/rxproc/src/spawn.ts', 'packages/rxproc/src/internal/run/processRun.ts', 'packages/rxproc/src/internal/terminate/processTree.ts'];
  log(`$ wc -l ${files.join(' ')}`);
  const events = await lastValueFrom(spawn$('wc', ['-l', ...files]).pipe(reduce((all, e) => [...all, e], [])));
  for (const event of events) {
    if (event.type === 'spawn') log(`  spawn   pid ${event.pid}`);
    if (event.type === 'stdout') log(`  stdout  ${event.data.toString().trimEnd().replace(/\n/g, '\n          ')}`);
    if (event.type === 'exit') log(`  exit    code ${event.exitCode} after ${event.durationMs.toFixed(1)} ms`);
  }
}

runIfMain(import.meta, main);
