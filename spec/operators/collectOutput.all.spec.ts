import { expect } from 'chai';
import fc from 'fast-check';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { collectOutput, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { cutAt } from '../support/chunkCuts.js';
import { lockstep } from '../support/lockstep.js';
import { outcome } from '../support/outcome.js';

const b = (text: string): Buffer => Buffer.from(text);
const exit = { type: 'exit', pid: 7, exitCode: 0, signal: null, durationMs: 1 } as const;

describe('collectOutput: all', () => {
  it('all: true gives stdout and stderr in the order they were read, from a real process', async () => {
    const script = 'echo out1; read x; echo err1 >&2; read x; echo out2; read x; echo err2 >&2';
    const { events, error } = await outcome(lockstep(script).pipe(collectOutput({ all: true })));
    expect(error).to.equal(undefined);
    expect(events[0]).to.include({ stdout: 'out1\nout2\n', stderr: 'err1\nerr2\n', all: 'out1\nerr1\nout2\nerr2\n' });
  });

  it('without all, the result has no all key (the result is as before)', async () => {
    const { events } = await outcome(lockstep('echo out; read x; echo err >&2').pipe(collectOutput()));
    expect(events[0]).to.not.have.property('all');
    expect(Object.keys(events[0]!)).to.deep.equal(['stdout', 'stderr', 'exitCode', 'signal', 'pid', 'durationMs']);
  });

  it('a UTF-8 character of one stream split by the other stream stays whole (marbles)', () => {
    new TestScheduler((a, e) => void expect(a).to.deep.equal(e)).run(({ cold, expectObservable }) => {
      const euro = b('€');
      const source = cold('-a-e-b-x|', {
        a: { type: 'stdout' as const, data: euro.subarray(0, 1) },
        e: { type: 'stderr' as const, data: b('!') },
        b: { type: 'stdout' as const, data: euro.subarray(1) },
        x: exit,
      });
      expectObservable(source.pipe(collectOutput({ all: true }))).toBe('--------(r|)', {
        r: { stdout: '€', stderr: '!', all: '!€', exitCode: 0, signal: null, pid: 7, durationMs: 1 },
      });
    });
  });

  it('is every message in order, whatever the chunk cuts, in each encoding (property)', async () => {
    const message = fc.record({ stream: fc.constantFrom('stdout' as const, 'stderr' as const), text: fc.constantFrom('a', 'é€😀', 'line\n', '\r\n', 'xyz') });
    const encoding = fc.constantFrom('utf8' as const, 'utf16le' as const, 'latin1' as const, 'base64' as const, 'hex' as const, 'buffer' as const);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(message, fc.array(fc.nat(), { maxLength: 4 })), { maxLength: 12 }), encoding, async (messages, encoding) => {
        const bytes = (text: string) => Buffer.from(text, encoding === 'utf16le' ? 'utf16le' : 'utf8');
        const events = messages.flatMap(([{ stream, text }, offsets]) => cutAt(bytes(text), offsets).map((data): ProcessEvent => ({ type: stream, data })));
        const { events: results } = await outcome(from([...events, exit]).pipe(collectOutput({ encoding, all: true })));
        const whole = Buffer.concat(messages.map(([{ text }]) => bytes(text)));
        const of = (stream: string) => Buffer.concat(messages.filter(([m]) => m.stream === stream).map(([{ text }]) => bytes(text)));
        const as = (buffer: Buffer) => (encoding === 'buffer' ? buffer : buffer.toString(encoding));
        expect(results[0]).to.deep.include({ all: as(whole), stdout: as(of('stdout')), stderr: as(of('stderr')) });
      }),
    );
  });

  it('restart starts all over too; the exit taken is the last one (a pipeline emits one per stage)', () => {
    new TestScheduler((a, e) => void expect(a).to.deep.equal(e)).run(({ cold, expectObservable }) => {
      const source = cold('-a-r-b-s-t-|', {
        a: { type: 'stderr' as const, data: b('first run') },
        r: { type: 'restart' as const, attempt: 1, delayMs: 0, error: undefined },
        b: { type: 'stdout' as const, data: b('second') },
        s: { ...exit, pid: 1, exitCode: 0, durationMs: 5, stage: 0 },
        t: { ...exit, pid: 2, exitCode: 3, durationMs: 6, stage: 1 },
      });
      expectObservable(source.pipe(collectOutput({ all: true }))).toBe('-----------(r|)', {
        r: { stdout: 'second', stderr: '', all: 'second', exitCode: 3, signal: null, pid: 2, durationMs: 6 },
      });
    });
  });
});
