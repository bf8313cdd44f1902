import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, mergeMap, range, reduce, tap, type Subscription } from 'rxjs';
import { collectOutput, liveProcessCount, spawn$ } from '../../packages/rxproc/src/index.js';
import { delay } from '../support/outcome.js';
import { eventually, openFdCount, ownZombies } from '../support/processes.js';

const SOAK = Number(process.env.RXPROC_SOAK ?? 1);
const HOOKED = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const listenerCounts = (): number[] => HOOKED.map((name) => process.listenerCount(name));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * These tests have no fixed time limit (on a loaded machine a spawn alone can take tens of ms): the body
 * calls `progress()` at each step (a process done, a batch, a tree gone), and the test fails only when
 * nothing has progressed for STALL_MS, as on a hang.
 */
const STALL_MS = 60_000;
type Progress = () => void;

async function unlessStalled(test: Mocha.Context, body: (progress: Progress) => Promise<void>): Promise<void> {
  test.timeout(0);
  let timer: NodeJS.Timeout | undefined;
  let stalled!: (error: Error) => void;
  const stall = new Promise<never>((_, reject) => (stalled = reject));
  const progress = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => stalled(new Error(`nothing progressed for ${STALL_MS} ms`)), STALL_MS);
  };
  progress();
  try {
    await Promise.race([body(progress), stall]);
  } finally {
    clearTimeout(timer);
  }
}

/** One poll: a timer, then a turn through the I/O poll, so that exits already pending are seen first. */
const poll = async (): Promise<void> => {
  await delay(20);
  await new Promise((done) => setImmediate(done));
};

/**
 * Waits until `count()` is down to `target`, as long as it keeps going down: `false` once it has not
 * moved for half of STALL_MS (so that this fails first, with its own message).
 */
async function drains(progress: Progress, count: () => number, target = 0): Promise<boolean> {
  let last = count();
  let since = performance.now();
  while (last > target) {
    await poll();
    const now = count();
    if (now < last) {
      last = now;
      since = performance.now();
      progress();
    } else if (performance.now() - since > STALL_MS / 2) return false;
  }
  return true;
}

/** Runs `count` echo processes, `concurrency` at a time; resolves to how many printed their own number. */
function echoes(progress: Progress, count: number, concurrency: number): Promise<number> {
  return lastValueFrom(
    range(0, count).pipe(
      mergeMap(
        (i) =>
          spawn$('echo', [String(i)]).pipe(
            collectOutput(),
            reduce((ok, r) => ok && r.stdout === `${i}\n`, true),
          ),
        concurrency,
      ),
      tap(progress),
      reduce((n, ok) => n + (ok ? 1 : 0), 0),
    ),
  );
}

describe('reliability: load and leaks', () => {
  it('2,000 processes 64 at a time, three rounds: fds back to baseline, no zombie, heap flat', function () {
    return unlessStalled(this, async (progress) => {
      const settle = async (): Promise<void> => {
        expect(await drains(progress, liveProcessCount), `rxproc still tracks ${liveProcessCount()} tree(s)`).to.equal(true);
        // The trees are gone: their pipes are closed and the registry unhooked within a few turns of the loop.
        for (let turn = 0; turn < 3; turn++) await new Promise((done) => setImmediate(done));
        gc();
      };
      await echoes(progress, 200, 64); // warm-up: JIT and lazily created pools
      await settle();
      const fds = openFdCount();
      const heaps: number[] = [];
      for (let round = 0; round < 3 * SOAK; round++) {
        expect(await echoes(progress, 2000, 64)).to.equal(2000);
        await settle();
        expect(await drains(progress, openFdCount, fds)).to.equal(true, `fds ${fds} → ${openFdCount()}`);
        gc();
        heaps.push(process.memoryUsage().heapUsed);
        expect(ownZombies()).to.deep.equal([]);
      }
      const growth = (heaps.at(-1)! - heaps[0]!) / 2 ** 20;
      // A leak grows the heap; a heap that shrinks a little (late warm-up) is fine.
      expect(growth, `heap growth between the first and last round: ${growth.toFixed(2)} MiB`).to.be.lessThan(1);
    });
  });

  it('100 processes that exit at the same instant: every Observable finishes', function () {
    return unlessStalled(this, async (progress) => {
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-barrier-'));
      try {
        const go = join(dir, 'go');
        const script = `while [ ! -e "${go}" ]; do sleep 0.01; done; echo $$`;
        const finished = lastValueFrom(
          range(0, 100).pipe(
            mergeMap(() => spawn$('sh', ['-c', script]).pipe(collectOutput())),
            tap(progress),
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
  });

  // 3,000 in `npm test` (a leaked listener shows at the 11th: MaxListenersExceededWarning); `npm run soak` runs 12,000.
  it(`${3000 * SOAK} subscribe/unsubscribe cycles: listeners on process back to baseline, no warning`, function () {
    return unlessStalled(this, async (progress) => {
      const baseline = listenerCounts();
      // (any Node warning, MaxListenersExceededWarning included, fails the suite: see spec/support/hooks.ts)
      for (let batch = 0; batch < 30 * SOAK; batch++) {
        const subs: Subscription[] = [];
        for (let i = 0; i < 100; i++) subs.push(spawn$('sleep', ['5']).subscribe());
        for (const sub of subs) sub.unsubscribe();
        progress();
        // At most 1,000 trees being stopped at a time.
        if (batch % 10 === 9) expect(await drains(progress, liveProcessCount), `rxproc still tracks ${liveProcessCount()} tree(s)`).to.equal(true);
      }
      expect(await drains(progress, liveProcessCount), `rxproc still tracks ${liveProcessCount()} tree(s)`).to.equal(true);
      await new Promise((done) => setImmediate(done));
      expect(listenerCounts()).to.deep.equal(baseline);
    });
  });
});
