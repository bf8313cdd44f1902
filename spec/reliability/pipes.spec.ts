import { expect } from 'chai';
import { interval, lastValueFrom, map, tap, toArray } from 'rxjs';
import { collectOutput, lines, liveProcessCount, OutputLimitError, pipeTo, spawn$ } from '../../packages/rxproc/src/index.js';
import { delay, outcome } from '../support/outcome.js';
import { eventually } from '../support/processes.js';

const MiB = 1024 * 1024;
const rssMiB = (): number => process.memoryUsage().rss / MiB;

describe('reliability: pipes and deadlocks', function () {
  this.timeout(60000);

  it('10 MB into `head -c 1`: success, no EPIPE error, nothing left', async () => {
    const { completed, events } = await outcome(spawn$('head', ['-c', '1'], { stdin: Buffer.alloc(10 * MiB, 0x61) }).pipe(collectOutput()));
    expect(completed).to.equal(true);
    expect(events[0]!.stdout).to.equal('a');
  });

  it('a child that closes stdin but keeps running: the source is stopped, the exit decides', async () => {
    let written = 0;
    const endless$ = interval(2).pipe(
      tap(() => written++),
      map(() => 'tick\n'),
    );
    const { completed, events } = await outcome(spawn$('sh', ['-c', 'exec 0<&-; sleep 0.2; echo done'], { stdin: endless$ }).pipe(collectOutput()));
    expect(completed).to.equal(true);
    expect(events[0]!.stdout).to.equal('done\n');
    const after = written;
    await delay(30);
    expect(written).to.equal(after);
  });

  it('10,000 lines through cat', async () => {
    const input = Array.from({ length: 10000 }, (_, i) => `line ${i}`);
    expect(await lastValueFrom(spawn$('cat', { stdin: `${input.join('\n')}\n` }).pipe(lines(), toArray()))).to.deep.equal(input);
  });

  it('a writer blocked on a full stdin pipe when the subscriber leaves: killed, released, no crash', async () => {
    const sub = spawn$('sleep', ['30'], { stdin: Buffer.alloc(50 * MiB) }).subscribe();
    await delay(100);
    sub.unsubscribe();
    expect(await eventually(() => liveProcessCount() === 0)).to.equal(true);
  });

  it('`seq 1 1000000000 | head -n1` through pipeTo: the first line, the upstream stopped, success', async () => {
    const { events, completed } = await outcome(spawn$('seq', ['1', '1000000000']).pipe(pipeTo('head', ['-n1']), lines()));
    expect(completed).to.equal(true);
    expect(events).to.deep.equal(['1']);
  });

  it('maxBuffer keeps memory bounded on a flood', async () => {
    const before = rssMiB();
    const { error } = await outcome(spawn$('cat', ['/dev/zero']).pipe(collectOutput({ maxBuffer: 64 * MiB })));
    expect(error).to.be.instanceOf(OutputLimitError).and.include({ option: 'maxBuffer' });
    expect(rssMiB() - before).to.be.lessThan(200);
  });

  it('the line-length limit keeps memory bounded on one endless line', async () => {
    const before = rssMiB();
    const { error } = await outcome(spawn$('cat', ['/dev/zero']).pipe(lines({ maxLineLength: 32 * MiB })));
    expect(error).to.be.instanceOf(OutputLimitError).and.include({ option: 'maxLineLength' });
    expect(rssMiB() - before).to.be.lessThan(150);
  });

  it('the JS path holds a flooding upstream back (bounded memory) while the reader is slow', async () => {
    const before = rssMiB();
    const slow = ['sh', ['-c', 'sleep 0.5; exec wc -c']] as const;
    const { events } = await outcome(
      spawn$('head', ['-c', String(300 * MiB), '/dev/zero']).pipe(
        map((e) => e),
        pipeTo(...slow),
        collectOutput(),
      ),
    );
    expect(events[0]!.stdout.trim()).to.equal(String(300 * MiB));
    expect(rssMiB() - before).to.be.lessThan(100);
  });
});
