import { expect } from 'chai';
import fc from 'fast-check';
import { lastValueFrom, map, toArray } from 'rxjs';
import { collectOutput, lines, pipeTo, spawn$, type ExitEvent, type ProcessEvent, type SpawnEvent } from '../../../packages/rxproc/src/index.js';
import { outcome, output } from '../../support/outcome.js';
import { eventually, isAlive } from '../../support/processes.js';

const staged = (events: readonly ProcessEvent[]): Array<SpawnEvent | ExitEvent> =>
  events.filter((e): e is SpawnEvent | ExitEvent => e.type === 'spawn' || e.type === 'exit');

describe('pipelineRun: every stage of a pipeline', () => {
  it("emits each stage's spawn and exit with its stage index; pids real and distinct; the last event is the last stage's exit", async () => {
    // Each stage reports its own pid ($$) on stderr, to compare with the events.
    const stage = (n: number): string[] => ['-c', `echo "${n} $$" >&2; cat`];
    const { events, completed } = await outcome(spawn$('sh', ['-c', 'echo "0 $$" >&2; echo hi']).pipe(pipeTo('sh', stage(1)), pipeTo('sh', stage(2))));
    expect(completed).to.equal(true);
    const stageEvents = staged(events);
    expect(stageEvents.filter((e) => e.type === 'spawn').map((e) => e.stage)).to.deep.equal([0, 1, 2]);
    expect(
      stageEvents
        .filter((e) => e.type === 'exit')
        .map((e) => e.stage)
        .sort(),
    ).to.deep.equal([0, 1, 2]);
    const last = events.at(-1)!;
    expect(last).to.include({ type: 'exit', stage: 2, exitCode: 0 });
    const reported = new Map(
      Buffer.concat(events.flatMap((e) => (e.type === 'stderr' ? [e.data] : [])))
        .toString()
        .trim()
        .split('\n')
        .map((line) => line.split(' ').map(Number) as [number, number]),
    );
    const spawns = stageEvents.filter((e) => e.type === 'spawn');
    expect(new Set(spawns.map((e) => e.pid)).size).to.equal(3);
    for (const spawn of spawns) expect(spawn.pid, `stage ${spawn.stage}`).to.equal(reported.get(spawn.stage!));
    for (const exit of stageEvents.filter((e) => e.type === 'exit')) expect(exit.pid).to.equal(reported.get(exit.stage!));
  });

  it("holds the last stage's exit until an upstream stage whose output ends later has reported its own", async () => {
    // The first stage exits at once, but a job it left keeps its stderr open for a while: its exit event
    // (emitted once its output has ended) is due after the last stage has ended.
    const first = spawn$('sh', ['-c', 'echo data; (exec >&-; sleep 0.3; echo late >&2) &'], { drainTimeout: 10_000 });
    const { events, completed } = await outcome(first.pipe(pipeTo('cat')));
    expect(completed).to.equal(true);
    expect(staged(events).map((e) => `${e.type} ${e.stage}`)).to.deep.equal(['spawn 0', 'spawn 1', 'exit 0', 'exit 1']);
    expect(events.at(-1)).to.include({ type: 'exit', stage: 1 });
    // What the upstream wrote after the last stage ended still comes before the last event.
    expect(output(events, 'stderr')).to.equal('late\n');
  });

  it("the last event is the last stage's exit, whatever the order the stages' outputs end in (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(0, 0.05, 0.1), { minLength: 2, maxLength: 4 }), async (sleeps) => {
        // Each stage passes its input on and exits; a job it leaves holds its stderr for a while.
        const [first, ...rest] = sleeps.map((s) => ['-c', `(exec <&- >&-; sleep ${s}; echo x >&2) & cat`]);
        let pipeline$ = spawn$('sh', first as string[], { stdin: 'data\n', drainTimeout: 10_000 });
        for (const args of rest) pipeline$ = pipeline$.pipe(pipeTo('sh', args, { drainTimeout: 10_000 })) as typeof pipeline$;
        const { events, completed } = await outcome(pipeline$);
        expect(completed).to.equal(true);
        expect(output(events)).to.equal('data\n');
        const exits = staged(events).filter((e) => e.type === 'exit');
        // Each stage's exit at most once (a stage still exiting, in the kernel, when its reader's exit is seen
        // may be stopped instead: its outcome does not count), and the last stage's always, last.
        const stages = exits.map((e) => e.stage!);
        expect(new Set(stages).size).to.equal(stages.length);
        expect(stages).to.include(sleeps.length - 1);
        expect(events.at(-1)).to.include({ type: 'exit', stage: sleeps.length - 1 });
      }),
      { numRuns: 12 },
    );
  });

  it('a failing last stage: its exit (with its stage) comes before the error', async () => {
    const { events, error } = await outcome(spawn$('echo', ['x']).pipe(pipeTo('sh', ['-c', 'cat >/dev/null; exit 4'])));
    expect(error).to.include({ exitCode: 4 });
    expect(events.at(-1)).to.include({ type: 'exit', stage: 1, exitCode: 4 });
  });

  it('a stage stopped because its reader exited has a spawn but no exit; the pipeline succeeds', async () => {
    const { events, completed } = await outcome(spawn$('yes').pipe(pipeTo('head', ['-n', '1'])));
    expect(completed).to.equal(true);
    const stageEvents = staged(events);
    expect(stageEvents.map((e) => `${e.type} ${e.stage}`)).to.deep.equal(['spawn 0', 'spawn 1', 'exit 1']);
    expect(await eventually(() => !isAlive(stageEvents[0]!.pid))).to.equal(true);
  });

  it('a lone process has no stage field', async () => {
    const events = await lastValueFrom(spawn$('echo', ['x']).pipe(toArray()));
    for (const event of staged(events)) expect(event).not.to.have.property('stage');
  });

  it('collectOutput and lines still see the last stage (its exit ends the line, not an upstream one)', async () => {
    const result = await lastValueFrom(spawn$('printf', ['a\\nb']).pipe(pipeTo('sh', ['-c', 'sleep 0.1; cat']), collectOutput()));
    expect(result.stdout).to.equal('a\nb');
    expect(result.pid).to.be.a('number');
    // The upstream exits while the last stage holds an unfinished line: it must not be cut.
    const out = await lastValueFrom(
      spawn$('sh', ['-c', 'printf xy; sleep 0.2']).pipe(
        pipeTo('sh', ['-c', 'dd bs=1 count=1 2>/dev/null; sleep 0.4; cat']),
        lines(),
        toArray(),
        map((l) => l.join('|')),
      ),
    );
    expect(out).to.equal('xy');
    // Through JavaScript (from: 'all') the last stage is spawned first: its line is not cut either.
    const all = await lastValueFrom(
      spawn$('sh', ['-c', 'printf xy; sleep 0.2']).pipe(
        pipeTo('sh', ['-c', 'dd bs=1 count=1 2>/dev/null; sleep 0.4; cat'], { from: 'all' }),
        lines(),
        toArray(),
        map((l) => l.join('|')),
      ),
    );
    expect(all).to.equal('xy');
  });
});
