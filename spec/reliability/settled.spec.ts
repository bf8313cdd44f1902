import { expect } from 'chai';
import { join } from 'node:path';
import { config, forkJoin } from 'rxjs';
import { liveProcessCount, pipeTo, SpawnError, spawn$, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';
import { eventually, isAlive } from '../support/processes.js';

const IGNORE_TERM = join(__dirname, '..', 'fixtures', 'ignore-term.sh');

/** A callback that counts its calls and can be awaited; `atCall` records what holds when it runs. */
function settledProbe<T>(atCall: () => T = () => undefined as T): { calls: T[]; settled: Promise<void>; onSettled: () => void } {
  const calls: T[] = [];
  let resolve!: () => void;
  const settled = new Promise<void>((r) => (resolve = r));
  return { calls, settled, onSettled: () => (calls.push(atCall()), resolve()) };
}

// onSettled: once per subscription, after it is over and everything it started is gone (a supervisor's
// wait, without polling a global count).
describe('onSettled', () => {
  it('is called once after a run completes, with nothing of it left', async () => {
    const probe = settledProbe(() => liveProcessCount());
    const { completed } = await outcome(spawn$('sh', ['-c', 'sleep 0.1 & echo hi'], { onSettled: probe.onSettled }));
    expect(completed).to.equal(true);
    await probe.settled;
    expect(probe.calls).to.deep.equal([0]);
  });

  it('after an unsubscribe waits for a tree that ignores killSignal to be killed (killTimeout), and is called once', async () => {
    const probe = settledProbe();
    const events: ProcessEvent[] = [];
    const source$ = spawn$(IGNORE_TERM, [], { killTimeout: 300, onSettled: probe.onSettled });
    const subscription = source$.subscribe((event) => events.push(event));
    expect(await eventually(() => events.some((event) => event.type === 'stdout'))).to.equal(true);
    const pid = (events[0] as Extract<ProcessEvent, { type: 'spawn' }>).pid;
    subscription.unsubscribe();
    // Still alive: SIGTERM is ignored, SIGKILL comes after killTimeout.
    expect(probe.calls).to.have.length(0);
    expect(isAlive(pid)).to.equal(true);
    await probe.settled;
    expect(isAlive(pid)).to.equal(false);
    subscription.unsubscribe();
    expect(probe.calls).to.have.length(1);
  });

  it('is called once when nothing could be spawned', async () => {
    const probe = settledProbe();
    const { error } = await outcome(spawn$('rxproc-no-such-command', [], { onSettled: probe.onSettled }));
    expect(error).to.be.instanceOf(SpawnError);
    await probe.settled;
    expect(probe.calls).to.have.length(1);
  });

  it('in a pipeline, each stage calls its own once (early exit of the reader included)', async () => {
    const first = settledProbe();
    const second = settledProbe();
    const { completed } = await outcome(spawn$('yes', [], { onSettled: first.onSettled }).pipe(pipeTo('head', ['-n', '1'], { onSettled: second.onSettled })));
    expect(completed).to.equal(true);
    await Promise.all([first.settled, second.settled]);
    expect([first.calls.length, second.calls.length]).to.deep.equal([1, 1]);
  });

  it('is called for each subscription of the same Observable', async () => {
    let calls = 0;
    const source$ = spawn$('true', [], { onSettled: () => calls++ });
    await outcome(source$);
    await outcome(source$);
    expect(await eventually(() => calls === 2)).to.equal(true);
  });

  it('is called once for a subscriber closed before the start (forkJoin after a sibling failed at once)', async () => {
    const probe = settledProbe();
    await outcome(forkJoin([spawn$('bad\0command'), spawn$('sleep', ['30'], { onSettled: probe.onSettled })]));
    await probe.settled;
    expect(probe.calls).to.have.length(1);
  });

  it('reports what the callback throws, and the run is unaffected', async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const { completed } = await outcome(
        spawn$('true', [], {
          onSettled: () => {
            throw new Error('callback broke');
          },
        }),
      );
      expect(completed).to.equal(true);
      expect(await eventually(() => reported.length === 1)).to.equal(true);
      expect((reported[0] as Error).message).to.equal('callback broke');
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('is checked at call time', () => {
    expect(() => spawn$('true', [], { onSettled: 'later' as unknown as () => void })).to.throw(TypeError, /option "onSettled" must be a function/);
  });
});
