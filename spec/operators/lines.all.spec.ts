import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { lines, OutputLimitError, spawn$ } from '../../packages/rxproc/src/index.js';
import { lockstep } from '../support/lockstep.js';
import { outcome } from '../support/outcome.js';

const b = (text: string): Buffer => Buffer.from(text);
const out = (text: string) => ({ type: 'stdout' as const, data: b(text) });
const err = (text: string) => ({ type: 'stderr' as const, data: b(text) });
const exit = { type: 'exit' as const, pid: 1, exitCode: 0, signal: null, durationMs: 1 };

describe("lines({ stream: 'all' })", () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => void expect(actual).to.deep.equal(expected));
  });

  it('gives the lines of both streams, each when complete; a line of one is never glued to the other', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-e-b-x|', { a: out('one\npar'), e: err('warn\n'), b: out('tial\n'), x: exit });
      expectObservable(source.pipe(lines({ stream: 'all' }))).toBe('-o-w-p--|', { o: 'one', w: 'warn', p: 'partial' });
    });
  });

  it('at the exit, the unfinished last line of stdout, then that of stderr', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-e-o-(x|)', { e: err('last err'), o: out('last out'), x: exit });
      expectObservable(source.pipe(lines({ stream: 'all' }))).toBe('-----(ab|)', { a: 'last out', b: 'last err' });
    });
  });

  it('a plain chunk counts as stdout', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a: 'x\ny' }).pipe(lines({ stream: 'all' }))).toBe('-a(b|)', { a: 'x', b: 'y' });
    });
  });

  it('an overlong line names the stream it came from', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-e|', { a: out('ok\n'), e: err('123456') });
      expectObservable(source.pipe(lines({ stream: 'all', maxLineLength: 5 }))).toBe('-a-#', { a: 'ok' }, new OutputLimitError('stderr', 'maxLineLength', 5));
    });
  });

  it('a real process: the lines of both streams, in the order written when each was read before the next was written', async () => {
    const script = 'echo out1; read x; echo err1 >&2; read x; echo out2; read x; printf err2 >&2';
    const { events, error } = await outcome(lockstep(script).pipe(lines({ stream: 'all' })));
    expect(error).to.equal(undefined);
    expect(events).to.deep.equal(['out1', 'err1', 'out2', 'err2']);
  });

  it('a real process writing both at once: every line of each stream, each stream in its own order', async () => {
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "o$i"; echo "e$i" >&2; done';
    const { events } = await outcome(spawn$('sh', ['-c', script]).pipe(lines({ stream: 'all' })));
    expect(events.filter((line) => line.startsWith('o'))).to.deep.equal(Array.from({ length: 10 }, (_, i) => `o${i + 1}`));
    expect(events.filter((line) => line.startsWith('e'))).to.deep.equal(Array.from({ length: 10 }, (_, i) => `e${i + 1}`));
  });
});
