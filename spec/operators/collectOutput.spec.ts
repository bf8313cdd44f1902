import { expect } from 'chai';
import { tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { collectOutput, OutputLimitError, ProcessExitError, spawn$ } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';
import { eventually, isAlive } from '../support/processes.js';

const b = (text: string): Buffer => Buffer.from(text);

describe('collectOutput', () => {
  it('emits stdout, stderr and how the process ended, once, at completion', async () => {
    const { events, completed } = await outcome(spawn$('sh', ['-c', 'printf "out €"; echo err >&2; exit 0']).pipe(collectOutput()));
    expect(completed).to.equal(true);
    expect(events).to.have.length(1);
    const [result] = events;
    expect(result).to.include({ stdout: 'out €', stderr: 'err\n', exitCode: 0, signal: null });
    expect(result!.pid).to.be.a('number');
    expect(result!.durationMs).to.be.a('number').greaterThan(0);
  });

  it("encoding: 'buffer' keeps the bytes", async () => {
    const { events } = await outcome(spawn$('printf', ['\\377\\000x']).pipe(collectOutput({ encoding: 'buffer' })));
    expect(events[0]!.stdout).to.deep.equal(Buffer.from([0xff, 0x00, 0x78]));
    expect(events[0]!.stderr).to.deep.equal(Buffer.alloc(0));
  });

  it('decodes a UTF-8 character split across chunks', () => {
    new TestScheduler((a, e) => {
      expect(a).to.deep.equal(e);
    }).run(({ cold, expectObservable }) => {
      const euro = b('€');
      const source = cold('-a-b-x|', {
        a: { type: 'stdout' as const, data: euro.subarray(0, 1) },
        b: { type: 'stdout' as const, data: euro.subarray(1) },
        x: { type: 'exit' as const, pid: 7, exitCode: 0, signal: null, durationMs: 1 },
      });
      expectObservable(source.pipe(collectOutput())).toBe('------(r|)', {
        r: { stdout: '€', stderr: '', exitCode: 0, signal: null, pid: 7, durationMs: 1 },
      });
    });
  });

  it('passes a ProcessExitError through', async () => {
    const { error } = await outcome(spawn$('sh', ['-c', 'echo bad >&2; exit 4']).pipe(collectOutput()));
    expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 4, stderr: 'bad\n' });
  });

  it('fails past maxBuffer, naming the stream, and kills the process', async () => {
    let pid = 0;
    const { error } = await outcome(
      spawn$('cat', ['/dev/zero']).pipe(
        tap((event) => {
          if (event.type === 'spawn') pid = event.pid;
        }),
        collectOutput({ maxBuffer: 1 << 20 }),
      ),
    );
    expect(error)
      .to.be.instanceOf(OutputLimitError)
      .and.include({ stream: 'stdout', option: 'maxBuffer', limit: 1 << 20 });
    expect((error as Error).message).to.equal('stdout is larger than 1048576 bytes (maxBuffer): stopped collecting and killed the process');
    expect(await eventually(() => !isAlive(pid))).to.equal(true);
  });

  it('the stderr limit is separate', async () => {
    const { error } = await outcome(spawn$('sh', ['-c', 'head -c 5000 /dev/zero >&2']).pipe(collectOutput({ maxBuffer: 4096 })));
    expect(error).to.be.instanceOf(OutputLimitError).and.include({ stream: 'stderr' });
  });

  it('a source without an exit event is a TypeError; restart events start over', () => {
    new TestScheduler((a, e) => {
      expect(a).to.deep.equal(e);
    }).run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a: { type: 'stdout' as const, data: b('x') } }).pipe(collectOutput())).toBe(
        '--#',
        undefined,
        new TypeError('collectOutput: the source completed without an exit event; is it a process?'),
      );
      const exit = { type: 'exit' as const, pid: 1, exitCode: 0, signal: null, durationMs: 1 };
      const source = cold('-a-r-b-x|', {
        a: { type: 'stdout' as const, data: b('first run') },
        r: { type: 'restart' as const, attempt: 1, delayMs: 0, error: undefined },
        b: { type: 'stdout' as const, data: b('second') },
        x: exit,
      });
      expectObservable(source.pipe(collectOutput())).toBe('--------(r|)', {
        r: { stdout: 'second', stderr: '', exitCode: 0, signal: null, pid: 1, durationMs: 1 },
      });
    });
  });

  it('checks its options when called', () => {
    expect(() => collectOutput({ encoding: 'utf-8' as never })).to.throw(TypeError, /"encoding" must be 'buffer' or one of 'utf8'/);
    expect(() => collectOutput({ maxBuffer: -1 })).to.throw(TypeError, /"maxBuffer" must be a whole number of bytes/);
  });
});
