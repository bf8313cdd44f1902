// retryOnExit(): a flaky service that crashes twice is respawned with exponential backoff, as a
// supervisor would; each restart is an event in the stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { exponentialBackoff, lines, retryOnExit, spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

export async function main(log) {
  const dir = mkdtempSync(join(tmpdir(), 'rxproc-demo-'));
  const counter = join(dir, 'runs');
  // Counts its runs in a file; crashes on the first two, succeeds on the third.
  const service = `n=$(($(cat ${counter} 2>/dev/null || echo 0) + 1)); echo $n > ${counter}; echo "run $n"; [ $n -ge 3 ] || { echo "crash" >&2; exit 1; }`;
  log('$ flaky-service   (crashes twice, then works)');
  try {
    await lastValueFrom(
      spawn$('sh', ['-c', service]).pipe(
        retryOnExit({ count: 5, delay: exponentialBackoff({ initial: 50, factor: 2 }) }),
        tap((event) => {
          if (event.type === 'restart') {
            log(`  restart #${event.attempt} in ${event.delayMs} ms (it failed with exit code ${event.error.exitCode}, stderr: ${event.error.stderr.trim()})`);
          }
          if (event.type === 'exit') log(`  exit code ${event.exitCode}`);
        }),
        lines(),
        tap((line) => log(`  ${line}`)),
      ),
      { defaultValue: undefined },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta, main);
