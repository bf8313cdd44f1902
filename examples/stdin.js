// Feeding stdin from an Observable: file names arrive over time, `sort` reads them until the source ends.
import { concatMap, delay, from, lastValueFrom, of, reduce } from 'rxjs';
import { readdirSync } from 'node:fs';
import { spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

export async function main(log) {
  const names = readdirSync('examples').filter((name) => name.endsWith('.js'));
  const source$ = from(names.reverse()).pipe(concatMap((name) => of(`${name}\n`).pipe(delay(10))));
  log(`$ sort  (stdin: ${names.length} file names from an Observable, 10 ms apart)`);
  const sorted = await lastValueFrom(spawn$('sort', { stdin: source$ }).pipe(reduce((text, e) => (e.type === 'stdout' ? text + e.data : text), '')));
  for (const line of sorted.trimEnd().split('\n')) log(`  ${line}`);
}

runIfMain(import.meta, main);
