import { expect } from 'chai';
import { IdleDrain } from '../../../packages/rxproc/src/internal/io/idleDrain.js';
import { delay } from '../../support/outcome.js';

/** Resolves when `drain` expires, with the time it did. */
function expiry(ms: number, heldBack: () => boolean): { drain: IdleDrain; expired: Promise<number> } {
  let drain!: IdleDrain;
  const expired = new Promise<number>((resolve) => (drain = new IdleDrain(ms, heldBack, () => resolve(performance.now()))));
  return { drain, expired };
}

describe('internal/idleDrain: the wait for output after the end, bounded by silence', () => {
  it('never expires while the reader holds the output back, even with ms 0; expires once it lets go', async () => {
    let held = true;
    const { drain, expired } = expiry(0, () => held);
    let done = false;
    void expired.then(() => (done = true));
    drain.start();
    await delay(50);
    expect(done, 'expired while held back').to.equal(false);
    held = false;
    await expired;
  });

  it('each chunk starts the silence again: it expires only ms after the last one', async () => {
    const { drain, expired } = expiry(30, () => false);
    drain.start();
    let lastChunk = performance.now();
    for (let i = 0; i < 10; i++) {
      await delay(10);
      drain.activity();
      lastChunk = performance.now();
    }
    expect((await expired) - lastChunk).to.be.at.least(25);
  });

  it('stop() cancels it for good; start() twice arms it once; Infinity never expires', async () => {
    let count = 0;
    const stopped = new IdleDrain(
      0,
      () => false,
      () => count++,
    );
    stopped.start();
    stopped.stop();
    const twice = new IdleDrain(
      0,
      () => false,
      () => count++,
    );
    twice.start();
    twice.start();
    const never = new IdleDrain(
      Infinity,
      () => false,
      () => count++,
    );
    never.start();
    await delay(30);
    expect(count).to.equal(1);
    never.stop();
  });
});
