import { spawn, type ChildProcess } from 'node:child_process';
import { procInfo } from './processes.js';

/**
 * Starts `count` CPU burners (`node -e 'for(;;){}'`), as on a shared CI runner: the host competes for the
 * cores and its event loop lags. They carry the spec marker; the returned function kills them and resolves
 * once they are reaped.
 */
export function startBurners(count: number): () => Promise<void> {
  const burners: ChildProcess[] = [];
  for (let i = 0; i < count; i++) burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  return async () => {
    await Promise.all(
      burners.map(
        (burner) =>
          new Promise<void>((resolve) => {
            if (burner.exitCode !== null || burner.signalCode !== null) return resolve();
            burner.once('exit', () => resolve());
            burner.kill('SIGKILL');
          }),
      ),
    );
  };
}

/**
 * Stalls the event loop, as a lagging host does: busy-waits (nothing is polled meanwhile) until `until()`
 * holds and at least `minMs` have passed, or `capMs` at most (so a broken test cannot hang the suite).
 */
export function stallLoop(minMs: number, until: () => boolean = () => true, capMs = 10_000): void {
  const start = Date.now();
  while (Date.now() - start < capMs) {
    if (Date.now() - start >= minMs && until()) return;
  }
}

/** Whether `pid` has exited and waits to be reaped: its exit has happened but this host has not seen it. */
export function isUnreaped(pid: number): boolean {
  return procInfo(pid)?.state === 'Z';
}

/** How many runs the load specs make: `RXPROC_LOAD_RUNS` (the soak, `npm run soak`), else `short`. */
export function loadRuns(short: number): number {
  const runs = Number(process.env.RXPROC_LOAD_RUNS);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : short;
}
