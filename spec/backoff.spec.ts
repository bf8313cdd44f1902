import { expect } from 'chai';
import fc from 'fast-check';
import { exponentialBackoff } from '../packages/rxproc/src/index.js';

describe('exponentialBackoff', () => {
  it('starts at initial, multiplies by factor, stops at max', () => {
    const delay = exponentialBackoff({ initial: 100, factor: 2, max: 1000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => delay(n))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    expect(exponentialBackoff()(1)).to.equal(100);
  });

  it('property: with jitter every delay lies between (1 - jitter) × base and base', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, jitter) => {
        const base = Math.min(30_000, 50 * 3 ** (attempt - 1));
        const ms = exponentialBackoff({ initial: 50, factor: 3, jitter })(attempt);
        expect(ms)
          .to.be.at.most(Math.round(base))
          .and.at.least(Math.floor(base * (1 - jitter)));
      }),
    );
  });

  it('rejects options out of range', () => {
    expect(() => exponentialBackoff({ factor: 0.5 })).to.throw(TypeError, /"factor" is out of range, got 0.5/);
    expect(() => exponentialBackoff({ jitter: 2 })).to.throw(TypeError, /"jitter"/);
    expect(() => exponentialBackoff({ initial: 500, max: 100 })).to.throw(TypeError, /"max"/);
    expect(() => exponentialBackoff({ initial: -1 })).to.throw(TypeError, /"initial"/);
  });
});
