import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combineLatest, concat, config, finalize, forkJoin, interval, map, Observable, of, Subject, tap, throwError } from 'rxjs';
import { liveProcessCount, SpawnError, spawn$ } from '../../../packages/rxproc/src/index.js';
import { delay, outcome, output } from '../../support/outcome.js';
import { eventually, procInfo } from '../../support/processes.js';

// Regressions found by review: each case once left a process, a timer or a subscription behind.
describe('ProcessRun edge cases', () => {
  it('spawns nothing for a subscriber that is already closed (forkJoin, combineLatest after a sync failure)', async () => {
    await outcome(forkJoin([spawn$('bad\0command'), spawn$('sleep', ['30'])]));
    await outcome(combineLatest([throwError(() => new Error('first')), spawn$('sleep', ['30'])]));
    expect(liveProcessCount()).to.equal(0);
    // (the afterEach hook fails the test if a `sleep 30` was started)
  });

  it('a stdin source that fails at once leaves no signals subscription running', async () => {
    let active = 0;
    const signals = interval(20).pipe(
      map((): NodeJS.Signals => 'SIGUSR2'),
      finalize(() => active--),
    );
    const counted = new Observable<NodeJS.Signals>((subscriber) => {
      active++;
      return signals.subscribe(subscriber);
    });
    const { error } = await outcome(spawn$('sleep', ['30'], { stdin: throwError(() => new Error('no input')), signals: counted, timeout: 5000 }));
    expect((error as Error).message).to.equal('no input');
    await delay(50);
    expect(active).to.equal(0);
  });

  it('a late error from the signals source after the exit does not fail a successful run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-late-'));
    try {
      // The child exits at once; a background job holds its stdout open until `release` exists, so the run
      // is still waiting for the output when the error comes: the order is set by the events, not by time.
      const release = join(dir, 'release');
      const late = new Subject<NodeJS.Signals>();
      let pid = 0;
      let finished = false;
      const run = outcome(
        spawn$('sh', ['-c', `(while [ ! -e "${release}" ]; do sleep 0.01; done) & echo a`], { signals: late, drainTimeout: Infinity }).pipe(
          tap((event) => {
            if (event.type === 'spawn') pid = event.pid;
          }),
          finalize(() => (finished = true)),
        ),
      );
      // Gone from /proc: Node has reaped the child, and it emits 'exit' in the same callback as the reaping.
      expect(await eventually(() => pid !== 0 && procInfo(pid) === undefined, 15000), 'the child was reaped').to.equal(true);
      expect(finished, 'the run still waits for the output').to.equal(false);
      late.error(new Error('late'));
      writeFileSync(release, '');
      const { completed, events } = await run;
      expect(completed).to.equal(true);
      expect(output(events)).to.equal('a\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a late error from the signals source on the exit event does not fail the run either', async () => {
    const late = new Subject<NodeJS.Signals>();
    const { completed } = await outcome(
      spawn$('echo', ['a'], { signals: late }).pipe(
        tap((event) => {
          if (event.type === 'exit') late.error(new Error('late'));
        }),
      ),
    );
    expect(completed).to.equal(true);
  });

  it('a stdin source whose teardown throws: the process is still killed, the error is reported, the host lives', async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const bad = new Observable<string>((subscriber) => {
        subscriber.next('a\n');
        return () => {
          throw new Error('finalizer boom');
        };
      });
      const sub = spawn$('sleep', ['30'], { stdin: bad }).subscribe({ error: () => undefined });
      await delay(50);
      expect(() => sub.unsubscribe()).to.not.throw();
      expect(await eventually(() => liveProcessCount() === 0)).to.equal(true);
      const done = await outcome(spawn$('sh', ['-c', 'exec 0<&-; sleep 0.05'], { stdin: concat(of('x'), bad) }));
      expect(done.completed).to.equal(true);
      await eventually(() => reported.length === 2);
      expect(reported).to.have.length(2);
      for (const error of reported) expect((error as Error).message).to.include('Error: finalizer boom'); // RxJS's UnsubscriptionError
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('a redirect to a FIFO nobody reads fails with a SpawnError instead of blocking the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-fifo-'));
    try {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const { error } = await outcome(spawn$('echo', ['hi'], { stdout: { file: fifo } }));
      expect(error).to.be.instanceOf(SpawnError).and.include({ code: 'ENXIO' });
      expect((error as Error).message).to.include('it is a FIFO that nobody reads');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
