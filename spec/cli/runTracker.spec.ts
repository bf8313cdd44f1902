import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { RunTracker } from '../../packages/cli/src/runTracker.js';
import { taskProcess$ } from '../../packages/cli/src/taskProcess.js';
import { liveProcessCount } from '../../packages/rxproc/src/index.js';
import { eventually, isAlive } from '../support/processes.js';

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
    let pid = 0;
    let up = false;
    const subscription = taskProcess$({ sh: "trap '' TERM; echo up; exec sleep 30", killTimeout: 300 }, '/tmp', runs).subscribe((event) => {
      if (event.type === 'spawn') pid = event.pid;
      if (event.type === 'stdout') up = true;
    });
    await eventually(() => up, 10000);
    subscription.unsubscribe();
    // SIGTERM is ignored: the tree lives until the SIGKILL after killTimeout, and so the run is not settled.
    expect(runs.isSettled()).to.equal(false);
    expect(isAlive(pid)).to.equal(true);
    await runs.allSettled();
    expect(isAlive(pid)).to.equal(false);
    expect(liveProcessCount()).to.equal(0);
  });
});
