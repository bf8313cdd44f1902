import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defer, filter, lastValueFrom, map, Observable, take, tap, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { collectOutput, ProcessExitError, retryOnExit, spawn$, type ProcessEvent, type RestartEvent } from '../../packages/rxproc/src/index.js';
import { currentFlowGate, FlowGate, withFlowGate } from '../../packages/rxproc/src/internal/io/flowGate.js';
import { isUnreaped, stallLoop } from '../support/load.js';
import { delay, outcome } from '../support/outcome.js';

const failure = new ProcessExitError({ command: 'x', args: [], pid: 1, exitCode: 1, signal: null, stderr: '', durationMs: 1 });

describe('retryOnExit', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxproc-retry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('scheduling (marbles)', () => {
    const run = (body: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void): void =>
      new TestScheduler((a, e) => {
        expect(a).to.deep.equal(e);
      }).run(body);

    it('resubscribes after a failure, after the delay, and announces each restart', () => {
      run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-#', { a: 'a' }, failure);
        const restart = (attempt: number): RestartEvent => ({ type: 'restart', attempt, delayMs: 5, error: failure });
        expectObservable(source.pipe(retryOnExit({ count: 2, delay: 5 }))).toBe('-a-r-----a-s-----a-#', { a: 'a', r: restart(1), s: restart(2) }, failure);
        expectSubscriptions(source.subscriptions).toBe(['^--!', '--------^--!', '----------------^--!']);
      });
    });

    it("when: 'always' also respawns after success, and completes after count respawns", () => {
      run(({ cold, expectObservable }) => {
        const source = cold('-a|', { a: 'a' });
        const r = { type: 'restart', attempt: 1, delayMs: 0, error: undefined };
        expectObservable(source.pipe(retryOnExit({ when: 'always', count: 1 }))).toBe('-ara|', { a: 'a', r });
      });
    });

    it('completes at once on success by default', () => {
      run(({ cold, expectObservable }) => {
        expectObservable(cold('-a|').pipe(retryOnExit({ count: 3 }))).toBe('-a|');
      });
    });

    it('delay as a function of (attempt, error), e.g. a backoff', () => {
      run(({ cold, expectObservable }) => {
        const source = cold('#', undefined, failure);
        const seen: unknown[] = [];
        const delayFn = (attempt: number, error: unknown): number => {
          seen.push(error);
          return attempt * 10;
        };
        const r = (attempt: number): RestartEvent => ({ type: 'restart', attempt, delayMs: attempt * 10, error: failure });
        expectObservable(source.pipe(retryOnExit({ count: 2, delay: delayFn }))).toBe('a 9ms b 19ms #', { a: r(1), b: r(2) }, failure);
      });
    });

    it('passes errors that retryIf rejects on at once (default: only ProcessErrors are retried)', () => {
      run(({ cold, expectObservable }) => {
        const other = new Error('not a process error');
        expectObservable(cold('-#', undefined, other).pipe(retryOnExit({ count: 3 }))).toBe('-#', undefined, other);
        expectObservable(cold('-#', undefined, failure).pipe(retryOnExit({ count: 3, retryIf: () => false }))).toBe('-#', undefined, failure);
      });
    });

    it('unsubscribing during the delay cancels the respawn', () => {
      run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-#', undefined, failure);
        expectObservable(source.pipe(retryOnExit({ delay: 10 })), '^---!').toBe('-r', { r: { type: 'restart', attempt: 1, delayMs: 10, error: failure } });
        expectSubscriptions(source.subscriptions).toBe('^!');
      });
    });

    it('a delay function giving an invalid value is a TypeError', () => {
      run(({ cold, expectObservable }) => {
        expectObservable(cold('#', undefined, failure).pipe(retryOnExit({ delay: () => -1 }))).toBe(
          '#',
          undefined,
          new TypeError('retryOnExit: the delay function gave -1 for attempt 1; expected milliseconds from 0 to 2147483647'),
        );
      });
    });

    it('checks its options when called', () => {
      expect(() => retryOnExit({ when: 'never' as never })).to.throw(TypeError, /"when" must be 'failure' or 'always'/);
      expect(() => retryOnExit({ count: -1 })).to.throw(TypeError, /"count" must be a whole number/);
      expect(() => retryOnExit({ delay: NaN })).to.throw(TypeError, /"delay" must be milliseconds/);
      expect(() => retryOnExit({ resetAfter: -5 })).to.throw(TypeError, /"resetAfter"/);
      expect(() => retryOnExit({ resetAfter: 2 ** 31 })).to.throw(TypeError, /"resetAfter" must be milliseconds from 0 to 2147483647/);
    });
  });

  describe('on real processes', () => {
    it('a run that stayed up resetAfter ms resets the attempt count', async () => {
      // Each run ends two loop turns after resetAfter ran out (its timer was armed after the stable one, for
      // the same time): stable every time, so every restart is attempt 1 and count: 1 never runs out.
      const run$ = new Observable<never>((subscriber) => {
        const timer = setTimeout(() => setImmediate(() => setImmediate(() => subscriber.error(failure))), 20);
        return () => clearTimeout(timer);
      });
      const restarts = await lastValueFrom(run$.pipe(retryOnExit({ count: 1, resetAfter: 20 }), take(3), toArray()));
      expect(restarts.map((r) => r.attempt)).to.deep.equal([1, 1, 1]);
    });

    it('a run whose exit happened before resetAfter is not stable, however late the loop sees it', async () => {
      // Each run exits at once, but the host stalls past resetAfter before it polls: the stable timer is due
      // first, and only a confirmation after the poll sees that the run had already ended.
      const { error, events } = await outcome(
        spawn$('sh', ['-c', 'exit 4']).pipe(
          tap((event) => {
            if (event.type === 'spawn') queueMicrotask(() => stallLoop(50, () => isUnreaped(event.pid)));
          }),
          retryOnExit({ count: 2, resetAfter: 20 }),
          take(20),
        ),
      );
      expect(events.filter((e) => e.type === 'restart').map((e) => e.attempt)).to.deep.equal([1, 2]);
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 4 });
    });

    it('respawns a failing process until it succeeds; each run is a new process', async () => {
      const counter = join(dir, 'count');
      const script = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo run $n; [ $n -ge 3 ]`;
      const { events, completed } = await outcome(spawn$('sh', ['-c', script]).pipe(retryOnExit({ count: 5, delay: 10 })));
      expect(completed).to.equal(true);
      expect(events.filter((e) => e.type === 'spawn')).to.have.length(3);
      expect(events.filter((e) => e.type === 'restart').map((e) => e.attempt)).to.deep.equal([1, 2]);
      expect(readFileSync(counter, 'utf8')).to.equal('3\n');
      // a restart comes after the previous run's exit, before the next spawn
      const order = events.map((e) => e.type).filter((t) => t !== 'stdout');
      expect(order).to.deep.equal(['spawn', 'exit', 'restart', 'spawn', 'exit', 'restart', 'spawn', 'exit']);
    });

    it('passes the last error on when the count is used up', async () => {
      const { error, events } = await outcome(spawn$('sh', ['-c', 'exit 4']).pipe(retryOnExit({ count: 2 })));
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 4 });
      expect(events.filter((e) => e.type === 'spawn')).to.have.length(3);
    });

    it('keeps a process alive with when: always; collectOutput reports the last run', async () => {
      const { events } = await outcome(spawn$('sh', ['-c', 'echo $$']).pipe(retryOnExit({ when: 'always', count: 2 }), collectOutput()));
      expect(events).to.have.length(1);
      expect(events[0]!.stdout).to.equal(`${events[0]!.pid}\n`);
    });

    it('unsubscribing during a backoff leaves nothing running and spawns nothing more', async () => {
      let spawns = 0;
      let restarted!: () => void;
      const inBackoff = new Promise<void>((resolve) => (restarted = resolve));
      const sub = spawn$('sh', ['-c', 'exit 1'])
        .pipe(retryOnExit({ delay: 200 }))
        .subscribe((e) => {
          if (e.type === 'spawn') spawns++;
          if (e.type === 'restart') restarted();
        });
      // The restart event comes as the 200 ms wait begins.
      await inBackoff;
      sub.unsubscribe();
      sub.unsubscribe();
      // Longer than the backoff, and started after it: a respawn not cancelled would have come by then.
      await delay(250);
      expect(spawns).to.equal(1);
    });

    it('a missing command is not retried by default (it would only fail again); retryIf can ask for it', async () => {
      const attempts: number[] = [];
      const source = defer(() => {
        attempts.push(attempts.length);
        return spawn$('rxproc-no-such-command');
      });
      const once = await outcome(source.pipe(retryOnExit({ count: 2 })));
      expect((once.error as Error).name).to.equal('SpawnError');
      expect(attempts).to.have.length(1);
      const { error } = await outcome(
        source.pipe(
          retryOnExit({ count: 2, retryIf: () => true }),
          filter((e): e is ProcessEvent => e.type !== 'restart'),
          map((e) => e),
        ),
      );
      expect((error as Error).name).to.equal('SpawnError');
      expect(attempts).to.have.length(4);
    });

    it('a respawn rejoins the backpressure of whoever subscribed (the flow gate)', () => {
      const gate = new FlowGate();
      const seen: unknown[] = [];
      const source = defer(() => {
        seen.push(currentFlowGate());
        return throwError(() => failure);
      });
      return new Promise<void>((done) => {
        withFlowGate(gate, () => source.pipe(retryOnExit({ count: 2 })).subscribe({ error: () => done() }));
      }).then(() => {
        expect(seen).to.deep.equal([gate, gate, gate]);
      });
    });
  });
});
