import { expect } from 'chai';
import { interval, map, of, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { lines, OutputLimitError, ProcessExitError, spawn$ } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';
import { eventually, isAlive } from '../support/processes.js';

const b = (text: string): Buffer => Buffer.from(text);
const out = (text: string) => ({ type: 'stdout' as const, data: b(text) });
const err = (text: string) => ({ type: 'stderr' as const, data: b(text) });

describe('lines', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  describe('splitting (marbles)', () => {
    it('emits each line when its terminator arrives, the last one on completion', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-b-c-|', { a: b('one\ntw'), b: b('o\r'), c: b('\nthree') });
        expectObservable(source.pipe(lines())).toBe('-x---y-(z|)', { x: 'one', y: 'two', z: 'three' });
      });
    });

    it('takes stdout events by default, stderr when asked, and ignores other events', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const events = {
          s: { type: 'spawn', pid: 1 },
          o: out('out\n'),
          e: err('err\n'),
          x: { type: 'exit', pid: 1, exitCode: 0, signal: null, durationMs: 1 },
        };
        const source = cold('s-o-e-x|', events);
        expectObservable(source.pipe(lines())).toBe('--a----|', { a: 'out' });
        expectObservable(source.pipe(lines({ stream: 'stderr' }))).toBe('----a--|', { a: 'err' });
      });
    });

    it('accepts plain strings and Uint8Arrays', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-b-|', { a: 'x\ny', b: new Uint8Array([0x7a, 0x0a]) });
        expectObservable(source.pipe(lines())).toBe('-x-y-|', { x: 'x', y: 'yz' });
      });
    });

    it('flushes what it received before passing an upstream error on', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-#', { a: b('partial') }, new Error('boom'));
        expectObservable(source.pipe(lines())).toBe('---(p#)', { p: 'partial' }, new Error('boom'));
      });
    });

    it('fails with OutputLimitError on a line over maxLineLength, and unsubscribes its source', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-a-a-a-|', { a: b('1234') });
        expectObservable(source.pipe(lines({ maxLineLength: 10 }))).toBe('-----#', undefined, new OutputLimitError('stdout', 'maxLineLength', 10));
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('a value that is neither a chunk nor an event is a TypeError', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a|', { a: 42 as never });
        expectObservable(source.pipe(lines())).toBe('-#', undefined, new TypeError('lines: expected a process event, a string or a Uint8Array, got number'));
      });
    });

    it("a restart event (retryOnExit) ends the previous run's last line", () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-r-b|', { a: out('x\npartial'), r: { type: 'restart' }, b: out('next\n') });
        expectObservable(source.pipe(lines())).toBe('-x-p-n|', { x: 'x', p: 'partial', n: 'next' });
      });
    });

    it("an exit event ends the run's last line (it comes after all the output)", () => {
      scheduler.run(({ cold, expectObservable }) => {
        const x = { type: 'exit', pid: 1, exitCode: 0, signal: null, durationMs: 1 };
        const source = cold('-a-x--|', { a: out('x\npartial'), x });
        expectObservable(source.pipe(lines())).toBe('-x-p--|', { x: 'x', p: 'partial' });
      });
    });

    it("overlong: 'split' emits a long line in maxLineLength pieces as they fill, nothing lost", () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-a-a-b---|', { a: b('1234'), b: b('5\nok\n') });
        expectObservable(source.pipe(lines({ maxLineLength: 5, overlong: 'split' }))).toBe('---x-y-(zo)|', { x: '12341', y: '23412', z: '345', o: 'ok' });
        expectSubscriptions(source.subscriptions).toBe('^----------!');
      });
    });

    it("overlong: 'split' cuts at UTF-8 character boundaries, also in one chunk and at the end", () => {
      scheduler.run(({ cold, expectObservable }) => {
        // 'é' is 2 bytes: a 5-byte piece would cut the third one in half.
        const source = cold('-a-----b-|', { a: b('ééééé\n'), b: b('abcdefg') });
        expectObservable(source.pipe(lines({ maxLineLength: 5, overlong: 'split' }))).toBe('-(xyz)-p-(q|)', { x: 'éé', y: 'éé', z: 'é', p: 'abcde', q: 'fg' });
      });
    });

    it("overlong: 'error' is the default", () => {
      scheduler.run(({ cold, expectObservable }) => {
        const source = cold('-a-a|', { a: b('1234') });
        const error = new OutputLimitError('stdout', 'maxLineLength', 5);
        expectObservable(source.pipe(lines({ maxLineLength: 5, overlong: 'error' }))).toBe('---#', undefined, error);
        expectObservable(source.pipe(lines({ maxLineLength: 5 }))).toBe('---#', undefined, error);
      });
    });

    it('checks its options when called', () => {
      expect(() => lines({ overlong: 'truncate' as never })).to.throw(TypeError, /"overlong" must be 'error' or 'split', got truncate/);
      expect(() => lines({ stream: 'both' as never })).to.throw(TypeError, /"stream" must be 'stdout', 'stderr' or 'all'/);
      expect(() => lines({ maxLineLength: 0 })).to.throw(TypeError, /"maxLineLength" must be a whole number of bytes ≥ 1, got 0/);
    });
  });

  describe('on real processes', () => {
    it('splits CRLF output and a last line without terminator', async () => {
      const { events } = await outcome(spawn$('printf', ['a\\r\\nb\\nlast']).pipe(lines()));
      expect(events).to.deep.equal(['a', 'b', 'last']);
    });

    it('10,000 lines through cat arrive whole and in order', async () => {
      const input = Array.from({ length: 10000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`);
      const { events } = await outcome(spawn$('cat', { stdin: `${input.join('\n')}\n` }).pipe(lines()));
      expect(events).to.deep.equal(input);
    });

    it('emits the lines before a ProcessExitError', async () => {
      const { events, error } = await outcome(spawn$('sh', ['-c', 'echo one; printf two; exit 3']).pipe(lines()));
      expect(events).to.deep.equal(['one', 'two']);
      expect(error).to.be.instanceOf(ProcessExitError);
    });

    it('an endless line fails with OutputLimitError and kills the process', async () => {
      let pid = 0;
      const source = spawn$('sh', ['-c', 'echo $$ >&2; exec cat /dev/zero']);
      const pidOf = source.pipe(
        lines({ stream: 'stderr' }),
        take(1),
        map((line) => Number(line)),
      );
      pid = (await outcome(pidOf)).events[0] ?? 0;
      const { error } = await outcome(source.pipe(lines({ maxLineLength: 1 << 20 })));
      expect(error)
        .to.be.instanceOf(OutputLimitError)
        .and.include({ stream: 'stdout', option: 'maxLineLength', limit: 1 << 20 });
      expect(await eventually(() => !isAlive(pid))).to.equal(true);
    });

    it("overlong: 'split' passes an endless-looking line through in pieces", async () => {
      const { events, error } = await outcome(
        spawn$('sh', ['-c', "head -c 2500000 /dev/zero | tr '\\0' x; echo; echo after"]).pipe(lines({ maxLineLength: 1 << 20, overlong: 'split' })),
      );
      expect(error).to.equal(undefined);
      expect(events.map((line) => line.length)).to.deep.equal([1 << 20, 1 << 20, 2500000 - 2 * (1 << 20), 5]);
    });

    it('works on a plain chunk stream too', async () => {
      const { events } = await outcome(
        interval(1).pipe(
          take(3),
          map((i) => `${i}\n`),
          lines(),
        ),
      );
      expect(events).to.deep.equal(['0', '1', '2']);
      expect((await outcome(of('no newline').pipe(lines()))).events).to.deep.equal(['no newline']);
    });
  });
});
