// collectOutput(): a finished process as one value, stdout, stderr and how it ended.
import { lastValueFrom } from 'rxjs';
import { collectOutput, spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

export async function main(log) {
  log(`$ node --version; ls examples | wc -l >&2`);
  const result = await lastValueFrom(spawn$('sh', ['-c', 'node --version; ls examples | wc -l >&2']).pipe(collectOutput()));
  log(`  stdout: ${JSON.stringify(result.stdout)}  stderr: ${JSON.stringify(result.stderr)}`);
  log(`  exit code ${result.exitCode}, pid ${result.pid}, ${result.durationMs.toFixed(1)} ms`);
}

runIfMain(import.meta, main);
