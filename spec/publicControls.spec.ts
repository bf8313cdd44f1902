import { expect } from 'chai';
import { lastValueFrom, map, take, toArray } from 'rxjs';
import { FlowGate, killAllNow, lines, liveProcessCount, ProcessExitError, spawn$, withFlowGate } from '../packages/rxproc/src/index.js';
import { delay, outcome } from './support/outcome.js';
import { eventually, isAlive } from './support/processes.js';

describe('killAllNow (public)', () => {
  it('SIGKILLs a running process and a tree being stopped, without waiting for killTimeout', async () => {
    const stubborn = (): ReturnType<typeof spawn$> => spawn$('sh', ['-c', "trap '' TERM; echo $$; while :; do sleep 0.1; done"], { killTimeout: 60_000 });
    const pidOf = async (process$: ReturnType<typeof spawn$>): Promise<number> => Number(await lastValueFrom(process$.pipe(lines(), take(1))));
    // One still subscribed…
    let failure: unknown;
    let runningPid = 0;
    const running = stubborn()
      .pipe(lines())
      .subscribe({ next: (line) => (runningPid = Number(line)), error: (error: unknown) => (failure = error) });
    // …and one unsubscribed, ignoring its SIGTERM (take(1) unsubscribes after the pid line).
    const stoppingPid = await pidOf(stubborn());
    await eventually(() => runningPid > 0, 5000);
    await delay(200);
    expect(isAlive(stoppingPid), 'ignores SIGTERM').to.equal(true);
    expect(liveProcessCount()).to.equal(2);
    killAllNow();
    expect(await eventually(() => !isAlive(runningPid) && !isAlive(stoppingPid), 2000)).to.equal(true);
    expect(await eventually(() => liveProcessCount() === 0, 2000)).to.equal(true);
    expect(await eventually(() => failure !== undefined, 2000)).to.equal(true);
    expect(failure).to.be.instanceOf(ProcessExitError).and.include({ signal: 'SIGKILL' });
    running.unsubscribe();
  });

  it('does nothing when nothing runs', () => {
    expect(liveProcessCount()).to.equal(0);
    killAllNow();
    expect(liveProcessCount()).to.equal(0);
  });
});

describe('FlowGate and withFlowGate (public)', () => {
  it('pause() holds back the processes subscribed inside withFlowGate; resume() lets them go on', async () => {
    const gate = new FlowGate();
    let bytes = 0;
    const subscription = withFlowGate(gate, () =>
      spawn$('yes').subscribe((event) => {
        if (event.type === 'stdout') bytes += event.data.length;
      }),
    );
    await eventually(() => bytes > 0, 5000);
    gate.pause();
    expect(gate.isPaused).to.equal(true);
    await delay(100);
    const held = bytes;
    await delay(300);
    expect(bytes, 'nothing read while paused').to.equal(held);
    gate.resume();
    await eventually(() => bytes > held, 5000);
    gate.close();
    subscription.unsubscribe();
  });

  it('a process subscribed outside the gate is not held back; close() releases for good', async () => {
    const gate = new FlowGate();
    gate.pause();
    const outside = await outcome(spawn$('printf', ['a\\nb\\n']).pipe(lines()));
    expect(outside.events).to.deep.equal(['a', 'b']);
    const inside = withFlowGate(gate, () => lastValueFrom(spawn$('printf', ['c\\nd\\n']).pipe(lines(), toArray())));
    await delay(200);
    gate.close();
    expect(gate.isPaused).to.equal(false);
    expect(await inside).to.deep.equal(['c', 'd']);
    gate.pause();
    expect(gate.isPaused, 'a closed gate holds nothing back').to.equal(false);
    expect(
      await lastValueFrom(
        withFlowGate(gate, () =>
          spawn$('echo', ['e']).pipe(
            lines(),
            map((line) => line),
          ),
        ),
      ),
    ).to.equal('e');
  });
});
