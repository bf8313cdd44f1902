import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { RunTracker } from '../../packages/cli/src/runTracker.js';
import { taskProcess$ } from '../../packages/cli/src/taskProcess.js';
import { liveProcessCount } from '../../packages/rxproc/src/index.js';

describe('RunTracker (through taskProcess$ and onSettled)', () => {
  it('counts every stage of every run (restarts included) and resolves once all their trees are gone', async () => {
    const runs = new RunTracker();
    const process$ = taskProcess$({ sh: 'echo x; exit 1', pipe: [{ cmd: 'cat' }], restart: { when: 'on-failure', count: 2, delay: 10 } }, '/tmp', runs);
    expect(runs.isSettled(), 'nothing subscribed yet').to.equal(true);
    const events = await lastValueFrom(process$.pipe(toArray())).catch(() => 'failed');
    expect(events).to.equal('failed');
    await runs.allSettled();
    expect(runs.isSettled()).to.equal(true);
    expect(liveProcessCount()).to.equal(0);
  });

  it('an unsubscribed run settles once its tree is gone', async () => {
    const runs = new RunTracker();
    const subscription = taskProcess$({ sh: "trap '' TERM; sleep 30", killTimeout: 300 }, '/tmp', runs).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    subscription.unsubscribe();
    expect(runs.isSettled()).to.equal(false);
    await runs.allSettled();
    expect(Date.now() - started).to.be.at.least(250);
    expect(liveProcessCount()).to.equal(0);
  });
});
