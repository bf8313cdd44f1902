import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, mergeMap, range, reduce, type Subscription } from 'rxjs';
import { collectOutput, liveProcessCount, spawn$ } from '../../src/index.js';
import { delay } from '../support/outcome.js';
import { eventually, openFdCount, ownZombies } from '../support/processes.js';

const SOAK = Number(process.env.RXPROC_SOAK ?? 1);
const HOOKED = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const listenerCounts = (): number[] => HOOKED.map((name) => process.listenerCount(name));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Runs `count` echo processes, `concurrency` at a time; resolves to how many printed their own number. */
function echoes(count: number, concurrency: number): Promise<number> {
  return lastValueFrom(
    range(0, count).pipe(
      mergeMap((i) => spawn$('echo', [String(i)]).pipe(collectOutput(), reduce((ok, r) => ok && r.stdout === `${i}\n`, true)), concurrency),
      reduce((n, ok) => n + (ok ? 1 : 0), 0),
    ),
  );
}

describe('reliability: load and leaks', function () {
  this.timeout(180000);

  it('2,000 processes 64 at a time, three rounds: fds back to baseline, no zombie, heap flat', async () => {
    const settle = async (): Promise<void> => {
      await eventually(() => liveProcessCount() === 0);
      await delay(20);
      gc();
    };
    await echoes(200, 64); // warm-up: JIT and lazily created pools
    await settle();
    const fds = openFdCount();
    const heaps: number[] = [];
    for (let round = 0; round < 3 * SOAK; round++) {
      expect(await echoes(2000, 64)).to.equal(2000);
      await settle();
      heaps.push(process.memoryUsage().heapUsed);
      expect(await eventually(() => openFdCount() <= fds)).to.equal(true, `fds ${fds} → ${openFdCount()}`);
      expect(ownZombies()).to.deep.equal([]);
    }
    const growth = (heaps.at(-1)! - heaps[0]!) / 2 ** 20;
    // A leak grows the heap; a heap that shrinks a little (late warm-up) is fine.
    expect(growth, `heap growth between the first and last round: ${growth.toFixed(2)} MiB`).to.be.lessThan(1);
  });

  it('100 processes that exit at the same instant: every Observable finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-barrier-'));
    try {
      const go = join(dir, 'go');
      const script = `while [ ! -e "${go}" ]; do sleep 0.01; done; echo $$`;
      const finished = lastValueFrom(
        range(0, 100).pipe(
          mergeMap(() => spawn$('sh', ['-c', script]).pipe(collectOutput())),
          reduce((n) => n + 1, 0),
        ),
      );
      await eventually(() => liveProcessCount() === 100);
      writeFileSync(go, '');
      expect(await finished).to.equal(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`${10000 * SOAK} subscribe/unsubscribe cycles: listeners on process back to baseline, no warning`, async () => {
    const baseline = listenerCounts();
    // (any Node warning, MaxListenersExceededWarning included, fails the suite: see spec/support/hooks.ts)
    for (let batch = 0; batch < 100 * SOAK; batch++) {
      const subs: Subscription[] = [];
      for (let i = 0; i < 100; i++) subs.push(spawn$('sleep', ['5']).subscribe());
      for (const sub of subs) sub.unsubscribe();
      if (batch % 10 === 9) await eventually(() => liveProcessCount() === 0, 10000);
    }
    expect(await eventually(() => liveProcessCount() === 0, 10000)).to.equal(true);
    await new Promise((done) => setImmediate(done));
    expect(listenerCounts()).to.deep.equal(baseline);
  });
});
