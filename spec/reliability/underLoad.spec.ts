import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { lastValueFrom, map, mergeMap, range, Subject, tap, toArray } from 'rxjs';
import {
  collectOutput,
  liveProcessCount,
  ProcessExitError,
  ProcessTimeoutError,
  spawn$,
  type CollectedOutput,
  type SpawnOptions,
} from '../../packages/rxproc/src/index.js';
import { isUnreaped, loadRuns, stallLoop, startBurners } from '../support/load.js';
import { outcome, recordKills } from '../support/outcome.js';
import { eventually } from '../support/processes.js';

/** `npm test` runs a short version (1,000); `npm run soak` sets RXPROC_LOAD_RUNS=20000. */
const RUNS = loadRuns(1000);

/** What went wrong in `count` echo runs, `concurrency` at a time: [] when every output is whole and every outcome right. */
async function echoContract(count: number, concurrency: number, options: SpawnOptions = {}): Promise<string[]> {
  const results = await lastValueFrom(
    range(0, count).pipe(
      mergeMap(
        (i) =>
          spawn$('echo', [String(i)], options).pipe(
            collectOutput(),
            // An error (a timeout misreported, anything) is a wrong outcome, not a reason to stop the others.
            map((r: CollectedOutput) =>
              r.stdout === `${i}\n` && r.exitCode === 0
                ? ''
                : `run ${i}: ${JSON.stringify({ stdout: r.stdout, exitCode: r.exitCode, durationMs: Math.round(r.durationMs) })}`,
            ),
          ),
        concurrency,
      ),
      toArray(),
    ),
  ).catch((error: unknown) => [`an error: ${String(error)}`]);
  return results.filter((problem) => problem !== '');
}

describe('reliability: correct under load (no output lost or misreported, whatever the event-loop lag)', function () {
  this.timeout(Math.max(180_000, RUNS * 60));

  it(`${RUNS} echo runs 64 at a time beside three CPU burners: every output whole, every exit code 0, no timeout misreported`, async () => {
    const stopBurners = startBurners(3);
    try {
      // A timeout far beyond the run: any ProcessTimeoutError would be a misreport.
      const problems = await echoContract(RUNS, 64, { timeout: 600_000 });
      expect(problems.slice(0, 5), `${problems.length} of ${RUNS} runs wrong`).to.deep.equal([]);
    } finally {
      await stopBurners();
    }
  });

  it(`drainTimeout 0: ${RUNS} echo runs 8 at a time lose nothing (the output already in the pipe is read first)`, async () => {
    const problems = await echoContract(RUNS, 8, { drainTimeout: 0 });
    expect(problems.slice(0, 5), `${problems.length} of ${RUNS} runs wrong`).to.deep.equal([]);
  });

  it('an exit seen before its output is read, then a stall longer than drainTimeout: the output is whole', async () => {
    // B prints and exits while the host is busy inside a poll phase whose events were already collected;
    // another child's SIGCHLD, handled at the end of that phase, makes the host reap B too. So B's exit is
    // seen while its output is still unread in the pipe; then the loop stalls past B's drainTimeout. A
    // drain timer that fired ahead of the next poll would end B with an empty stdout.
    const go = new Subject<string>();
    let pid = 0;
    const result = outcome(
      spawn$('sh', ['-c', 'read _; echo out'], { stdin: go, drainTimeout: 20 }).pipe(
        tap((event) => {
          if (event.type === 'spawn') pid = event.pid;
        }),
        collectOutput(),
      ),
    );
    const other = spawn('sh', ['-c', 'read _; echo c'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const otherExited = new Promise((resolve) => other.once('exit', resolve));
    other.stdout.once('data', () => {
      go.next('go\n');
      stallLoop(0, () => isUnreaped(pid));
      setImmediate(() => stallLoop(100));
    });
    other.stdin.end('go\n');
    // The other child's output and its SIGCHLD are both waiting when the loop next polls.
    stallLoop(0, () => isUnreaped(other.pid!));
    const { events, error } = await result;
    await otherExited;
    expect(error).to.equal(undefined);
    expect(events[0]!.stdout).to.equal('out\n');
  });

  it('a process that exits during a stall past its timeout is not a timeout', async () => {
    let pid = 0;
    const { error, events } = await outcome(
      spawn$('sh', ['-c', 'echo bye; exit 3'], { timeout: 30 }).pipe(
        tap((event) => {
          if (event.type !== 'spawn') return;
          pid = event.pid;
          // Right after the subscription armed the timer, before anything is polled: the deadline passes
          // while the exit waits to be seen.
          queueMicrotask(() => stallLoop(60, () => isUnreaped(pid)));
        }),
      ),
    );
    expect(error).to.be.instanceOf(ProcessExitError).and.not.be.instanceOf(ProcessTimeoutError);
    expect(error).to.include({ exitCode: 3 });
    expect(events.some((e) => e.type === 'stdout' && e.data.toString() === 'bye\n')).to.equal(true);
  });

  it('a tree that ends on killSignal during a stall past killTimeout gets no SIGKILL', async () => {
    const { kills } = await recordKills(async () => {
      let pid = 0;
      const subscription = spawn$('sleep', ['30'], { killTimeout: 30 }).subscribe((event) => {
        if (event.type === 'spawn') pid = event.pid;
      });
      subscription.unsubscribe();
      // Queued after the teardown's SIGTERM: the killTimeout passes while the exit waits to be seen.
      setImmediate(() => stallLoop(60, () => isUnreaped(pid)));
      expect(await eventually(() => liveProcessCount() === 0, 10_000)).to.equal(true);
    });
    expect(kills.map(([, signal]) => signal))
      .to.include('SIGTERM')
      .and.not.include('SIGKILL');
  });
});
