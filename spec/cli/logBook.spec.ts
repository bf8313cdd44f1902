import { expect } from 'chai';
import fc from 'fast-check';
import type { LogEntry } from '../../packages/cli/src/control/protocol.js';
import { KEPT_BYTES, KEPT_ENTRIES, LogBook } from '../../packages/cli/src/logBook.js';

const text = (entry: LogEntry): string => (entry.kind === 'line' ? entry.line : entry.text);

describe('LogBook (the recent lines of rxproc logs)', () => {
  it('keeps the last entries of each task, as they came, in the order they came across tasks', () => {
    const book = new LogBook();
    book.line('db', 'stdout', 'a', 1);
    book.event('web', 'spawn', { pid: 2 }, 'started (pid 2)');
    book.line('web', 'stderr', 'b', 2);
    book.line('db', 'stdout', 'c', 1);
    expect(book.recent(['db', 'web'], 3).map(text)).to.deep.equal(['started (pid 2)', 'b', 'c']);
    expect(book.recent(['web'], 10)).to.deep.equal([
      { seq: 2, task: 'web', kind: 'event', event: 'spawn', details: { pid: 2 }, text: 'started (pid 2)' },
      { seq: 3, task: 'web', kind: 'line', stream: 'stderr', line: 'b', pid: 2 },
    ]);
    expect(book.recent(['db'], 0)).to.deep.equal([]);
    expect(book.recent(['nobody'], 5)).to.deep.equal([]);
  });

  it('is bounded: at most KEPT_ENTRIES entries and KEPT_BYTES of text per task, always the newest (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 300_000 }), { minLength: 1, maxLength: 2500 }), (lengths) => {
        const book = new LogBook();
        lengths.forEach((length, i) => book.line('t', 'stdout', `${i}:`.padEnd(length, 'x'), undefined));
        const kept = book.recent(['t'], Number.MAX_SAFE_INTEGER);
        const bytes = kept.reduce((sum, entry) => sum + text(entry).length, 0);
        expect(kept.length).to.be.at.most(KEPT_ENTRIES);
        expect(kept.length === 1 || bytes <= KEPT_BYTES).to.equal(true);
        // The newest ones, in order, ending with the last line.
        const first = lengths.length - kept.length;
        expect(kept.map((entry) => Number(text(entry).split(':')[0]))).to.deep.equal(lengths.map((_, i) => i).slice(first));
        // Nothing more would have fitted.
        if (first > 0) expect(kept.length === KEPT_ENTRIES || bytes + Math.max(lengths[first - 1]!, `${first - 1}:`.length) > KEPT_BYTES).to.equal(true);
      }),
      { numRuns: 30 },
    );
  });

  it('tells followers the new entries of their tasks only, until they unfollow', () => {
    const book = new LogBook();
    const seen: string[] = [];
    const unfollow = book.follow(['web'], (entry) => seen.push(text(entry)));
    book.line('db', 'stdout', 'not mine', 1);
    book.line('web', 'stdout', 'mine', 2);
    book.event('web', 'exit', { exitCode: 0 }, 'exited (exit code 0)');
    unfollow();
    book.line('web', 'stdout', 'after', 2);
    expect(seen).to.deep.equal(['mine', 'exited (exit code 0)']);
  });
});
