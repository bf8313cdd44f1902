import { expect } from 'chai';
import { lastValueFrom, map, mergeMap, range, tap, toArray } from 'rxjs';
import { collectOutput, spawn$, type CollectedOutput, type RemoteHost, type SpawnOptions } from '../../packages/rxproc/src/index.js';
import { isUnreaped, loadRuns, stallLoop, startBurners } from '../support/load.js';
import { outcome } from '../support/outcome.js';
import { procInfo } from '../support/processes.js';
import { useSshd } from '../support/sshd.js';

/** A tenth of the local count: `npm test` runs 100, `npm run soak` 2,000. */
const RUNS = Math.ceil(loadRuns(1000) / 10);
const SCRIPT = 'echo "$1"; echo "e$1" >&2; exit $(($1 % 3))';

describe('remote: correct under load (the event contract, whatever the event-loop lag)', function () {
  this.timeout(Math.max(180_000, RUNS * 600));
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  /** What went wrong in `count` remote runs: [] when every output is whole and every exit code right. */
  async function contract(count: number, concurrency: number, options: SpawnOptions): Promise<string[]> {
    const results = await lastValueFrom(
      range(0, count).pipe(
        mergeMap(
          (i) =>
            spawn$('sh', ['-c', SCRIPT, 'sh', String(i)], { successExitCodes: [0, 1, 2], ...options }).pipe(
              collectOutput(),
              map((r: CollectedOutput) =>
                r.stdout === `${i}\n` && r.stderr === `e${i}\n` && r.exitCode === i % 3
                  ? ''
                  : `run ${i}: ${JSON.stringify({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode })}`,
              ),
            ),
          concurrency,
        ),
        toArray(),
      ),
    ).catch((error: unknown) => [`an error: ${String(error)}`]);
    return results.filter((problem) => problem !== '');
  }

  it(`${RUNS} remote runs 16 at a time beside three CPU burners: stdout, stderr and exit code right, no timeout misreported`, async () => {
    const stopBurners = startBurners(3);
    try {
      const problems = await contract(RUNS, 16, { host: host(), timeout: 600_000 });
      expect(problems.slice(0, 5), `${problems.length} of ${RUNS} runs wrong`).to.deep.equal([]);
    } finally {
      await stopBurners();
    }
  });

  it(`drainTimeout 0: ${RUNS} remote runs 8 at a time lose nothing`, async () => {
    const problems = await contract(RUNS, 8, { host: host(), drainTimeout: 0 });
    expect(problems.slice(0, 5), `${problems.length} of ${RUNS} runs wrong`).to.deep.equal([]);
  });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`the exit report read while output is still on its way, then a stall longer than drainTimeout (${wrapper} wrapper): the output is whole`, async () => {
      // The command writes 1 MB and exits while the host is stalled: the output waits in ssh and the pipes,
      // the wrapper's exit report behind it. The next poll reads the report and one pipeful; then the loop
      // stalls past drainTimeout while ssh writes the rest. A drain timer that fired ahead of the next poll
      // would end the run there with the output cut.
      const { events, error } = await outcome(
        spawn$('sh', ['-c', 'head -c 1000000 /dev/zero | tr "\\0" x; echo last >&2'], { host: host({ wrapper }), drainTimeout: 20 }).pipe(
          tap((event) => {
            if (event.type !== 'spawn') return;
            setImmediate(() => {
              stallLoop(200, () => procInfo(event.pid) === undefined || isUnreaped(event.pid));
              stallLoop(100);
              setImmediate(() => stallLoop(300));
            });
          }),
          collectOutput(),
        ),
      );
      expect(error).to.equal(undefined);
      expect(events[0]!.stdout).to.equal('x'.repeat(1_000_000));
      expect(events[0]!.stderr).to.equal('last\n');
    });
  }
});
