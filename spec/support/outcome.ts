import type { Observable } from 'rxjs';
import type { ProcessEvent } from '../../packages/rxproc/src/index.js';

/** Everything an Observable did, once it finished. */
export interface Outcome<T = ProcessEvent> {
  readonly events: T[];
  readonly error: unknown;
  readonly completed: boolean;
}

/** Subscribes and resolves when the Observable completes or errors (never rejects). */
export function outcome<T = ProcessEvent>(source: Observable<T>): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const events: T[] = [];
    source.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error, completed: false }),
      complete: () => resolve({ events, error: undefined, completed: true }),
    });
  });
}

/** The concatenated output of one stream, as UTF-8. */
export function output(events: readonly ProcessEvent[], stream: 'stdout' | 'stderr' = 'stdout'): string {
  return Buffer.concat(events.flatMap((e) => (e.type === stream ? [e.data] : []))).toString('utf8');
}

/** Records every `process.kill` call while `body` runs (the calls still go through). */
export async function recordKills<T>(body: () => Promise<T>): Promise<{ result: T; kills: Array<[number, string | number | undefined]> }> {
  const kills: Array<[number, string | number | undefined]> = [];
  const original = process.kill;
  process.kill = (pid: number, signal?: string | number) => {
    kills.push([pid, signal]);
    return original.call(process, pid, signal);
  };
  try {
    return { result: await body(), kills };
  } finally {
    process.kill = original;
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits while a flooding upstream runs ahead of a downstream that does not read: some time, then until it is
 * held back (nothing more read in 5 polls of the loop) or clearly not (`limit` bytes). Returns what was read.
 */
export async function readWhileHeld(read: () => number, limit: number): Promise<number> {
  await delay(300);
  let still = 0;
  for (let last = -1; still < 5 && read() < limit; last = read()) {
    await delay(20);
    await new Promise((done) => setImmediate(done));
    still = read() === last ? still + 1 : 0;
  }
  return read();
}
