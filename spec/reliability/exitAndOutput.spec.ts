import { expect } from 'chai';
import { lastValueFrom, mergeMap, range, toArray } from 'rxjs';
import { collectOutput, ProcessExitError, spawn$ } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';

const SOAK = Number(process.env.RXPROC_SOAK ?? 1);

describe('reliability: exit and output', function () {
  this.timeout(120000);

  it(`${2000 * SOAK} echo processes: every collected stdout is complete (completion waits for EOF, not 'exit')`, async () => {
    const text = 'x'.repeat(3000); // more than one small write, so EOF comes after the exit more often
    const results = await lastValueFrom(
      range(0, 2000 * SOAK).pipe(
        mergeMap((i) => spawn$('sh', ['-c', `printf '%s' "$1"; echo " ${i}"`, 'sh', text]).pipe(collectOutput()), 64),
        toArray(),
      ),
    );
    expect(results).to.have.length(2000 * SOAK);
    const incomplete = results.filter((r) => !/^x{3000} \d+\n$/.test(r.stdout));
    expect(incomplete.map((r) => r.stdout.length)).to.deep.equal([]);
  });

  it("`sh -c 'sleep 30 & echo hi'`: hi arrives and the Observable completes within the grace period, not 30 s", async () => {
    const { events, completed } = await outcome(spawn$('sh', ['-c', 'sleep 30 & echo hi']).pipe(collectOutput()));
    expect(completed).to.equal(true);
    expect(events[0]!.stdout).to.equal('hi\n');
    expect(events[0]!.durationMs).to.be.lessThan(5000); // drainTimeout is 1000 ms: far from 30 s
  });

  const endings: Array<[string, string, number | null, NodeJS.Signals | null]> = [
    ['exit 2', 'exit 2', 2, null],
    ['exit 143 (a code, not a signal)', 'exit 143', 143, null],
    ['self-SIGTERM', 'kill $$', null, 'SIGTERM'],
    ['kill -9 $$', 'kill -9 $$', null, 'SIGKILL'],
  ];
  for (const [name, script, exitCode, signal] of endings) {
    it(`exit code vs signal: ${name}`, async () => {
      const { events, error } = await outcome(spawn$('sh', ['-c', script]));
      expect(events.at(-1)).to.deep.include({ type: 'exit', exitCode, signal });
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode, signal });
    });
  }
});
