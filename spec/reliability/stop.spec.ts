import { expect } from 'chai';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { BehaviorSubject, EMPTY, isObservable, NEVER, Observable, Subject } from 'rxjs';
import { liveProcessCount, pipeTo, ProcessExitError, spawn$, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { outcome, output, recordKills } from '../support/outcome.js';
import { eventually } from '../support/processes.js';

const fixture = (name: string): string => resolve(__dirname, '../fixtures', name);
const types = (events: readonly ProcessEvent[]): string[] => events.map((event) => event.type);
const exitOf = (events: readonly ProcessEvent[]): ProcessEvent => events[events.length - 1]!;

/** A process that prints `ready`, then runs until a signal; on SIGTERM it prints its last words and exits 143. */
const LAST_WORDS = `trap 'echo last words; exit 143' TERM; echo ready; while :; do sleep 0.05; done`;

/** Emits on `stop` the first time `event` matches, from inside the subscriber's own next. */
function stopOn(match: (event: ProcessEvent) => boolean): { stop: Subject<void>; watch: (event: ProcessEvent) => void } {
  const stop = new Subject<void>();
  return { stop, watch: (event) => (match(event) ? stop.next() : undefined) };
}

/** The source's events, each handed to `watch` after the subscriber has it (so that `stop` can react to output). */
function watchEvents(source: Observable<ProcessEvent>, watch: (event: ProcessEvent) => void): Observable<ProcessEvent> {
  return new Observable<ProcessEvent>((subscriber) =>
    source.subscribe({
      next: (event) => {
        subscriber.next(event);
        watch(event);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
}

describe('reliability: stop (stop and still see the end)', function () {
  this.timeout(30000);

  it('a process that prints on SIGTERM and exits 143: its last output, then exit, then complete', async () => {
    const { stop, watch } = stopOn((event) => event.type === 'stdout');
    const result = await outcome(watchEvents(spawn$('sh', ['-c', LAST_WORDS], { stop }), watch));
    expect(result.error).to.equal(undefined);
    expect(result.completed).to.equal(true);
    expect(output(result.events)).to.equal('ready\nlast words\n');
    expect(types(result.events)[0]).to.equal('spawn');
    expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: 143, signal: null });
    expect(await eventually(() => liveProcessCount() === 0, 3000)).to.equal(true);
  });

  // (containment 'group': these look at the signals' address; a cgroup's tree is signalled process by process, see containment.spec.ts)
  it('sends the killSignal to the whole group (a process killed by it still completes, its exit says so)', async () => {
    const { stop, watch } = stopOn((event) => event.type === 'stdout');
    const { result, kills } = await recordKills(() =>
      outcome(watchEvents(spawn$('sh', ['-c', 'echo ready; exec sleep 30'], { stop, killSignal: 'SIGINT', containment: 'group' }), watch)),
    );
    const pid = (result.events[0] as { pid: number }).pid;
    expect(kills).to.deep.include([-pid, 'SIGINT']);
    expect(result.completed).to.equal(true);
    expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: null, signal: 'SIGINT' });
  });

  it('a SIGTERM-ignoring tree is SIGKILLed after killTimeout, and the run still completes', async () => {
    const { stop, watch } = stopOn((event) => event.type === 'stdout');
    const tree = `trap '' TERM; sleep 60 & echo ready; wait`;
    const { result, kills } = await recordKills(() =>
      outcome(watchEvents(spawn$('sh', ['-c', tree], { stop, killTimeout: 150, containment: 'group' }), watch)),
    );
    const pid = (result.events[0] as { pid: number }).pid;
    expect(kills).to.deep.include([-pid, 'SIGTERM']);
    expect(kills).to.deep.include([-pid, 'SIGKILL']);
    expect(result.completed).to.equal(true);
    expect(exitOf(result.events)).to.include({ type: 'exit', signal: 'SIGKILL' });
    expect(await eventually(() => liveProcessCount() === 0, 3000)).to.equal(true);
  });

  it('the fixture that ignores SIGTERM through exec: completed after the SIGKILL', async () => {
    const { stop, watch } = stopOn((event) => event.type === 'stdout');
    const result = await outcome(watchEvents(spawn$(fixture('ignore-term.sh'), { stop, killTimeout: 100 }), watch));
    expect(result.completed).to.equal(true);
    expect(exitOf(result.events)).to.include({ type: 'exit', signal: 'SIGKILL' });
  });

  it('stop after the exit does nothing: the outcome stands, and nothing is signalled', async () => {
    const failing = stopOn((event) => event.type === 'exit');
    const failed = await outcome(watchEvents(spawn$('sh', ['-c', 'echo x; exit 3'], { stop: failing.stop }), failing.watch));
    expect(failed.error).to.be.instanceOf(ProcessExitError);
    expect((failed.error as ProcessExitError).exitCode).to.equal(3);

    const ok = stopOn((event) => event.type === 'exit');
    const { result, kills } = await recordKills(() => outcome(watchEvents(spawn$('echo', ['hi'], { stop: ok.stop }), ok.watch)));
    expect(result.completed).to.equal(true);
    expect(kills.filter(([, signal]) => signal !== 0)).to.deep.equal([]); // 0: probes of the group
    expect(ok.stop.observed).to.equal(false); // unsubscribed at the exit
  });

  it('a stop that completes without a value does nothing', async () => {
    const ok = await outcome(spawn$('sh', ['-c', 'echo hi'], { stop: EMPTY }));
    expect(ok.completed).to.equal(true);
    expect(output(ok.events)).to.equal('hi\n');
    const failed = await outcome(spawn$('sh', ['-c', 'exit 4'], { stop: EMPTY }));
    expect(failed.error).to.be.instanceOf(ProcessExitError);
  });

  it('an error from stop fails the run with that error, and kills the process', async () => {
    const stop = new Subject<void>();
    const boom = new Error('boom');
    const result = await outcome(watchEvents(spawn$('sh', ['-c', 'echo ready; exec sleep 30'], { stop }), () => stop.error(boom)));
    expect(result.error).to.equal(boom);
    expect(types(result.events)).to.not.include('exit');
    expect(await eventually(() => liveProcessCount() === 0, 3000)).to.equal(true);
  });

  it('a stop that fires at once (synchronously at subscription) still stops the process after its spawn', async () => {
    const result = await outcome(spawn$('sh', ['-c', LAST_WORDS], { stop: new BehaviorSubject(1) }));
    expect(result.completed).to.equal(true);
    expect(types(result.events)[0]).to.equal('spawn');
    expect(exitOf(result.events).type).to.equal('exit');
  });

  it('stop wins over a later timeout: not a ProcessTimeoutError', async () => {
    const { stop, watch } = stopOn((event) => event.type === 'stdout');
    const tree = `trap '' TERM; echo ready; exec sleep 60`;
    const result = await outcome(watchEvents(spawn$('sh', ['-c', tree], { stop, timeout: 300, killTimeout: 600 }), watch));
    expect(result.error).to.equal(undefined);
    expect(result.completed).to.equal(true);
  });

  it('code without stop is unchanged: a SIGTERM death is still a failure', async () => {
    const result = await outcome(spawn$('sh', ['-c', 'kill -TERM $$']));
    expect(result.error).to.be.instanceOf(ProcessExitError);
  });

  describe('pipelines: a stop on any stage stops every stage, upstream first', () => {
    it('yes | head: stopped mid-way, head drains and the pipeline completes with an exit last', async () => {
      const { stop, watch } = stopOn((event) => event.type === 'stdout');
      const pipeline = spawn$('yes', { stop }).pipe(pipeTo('head', ['-n', '100000000']));
      const result = await outcome(watchEvents(pipeline, watch));
      expect(result.error).to.equal(undefined);
      expect(result.completed).to.equal(true);
      expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: 0 });
      expect(await eventually(() => liveProcessCount() === 0, 3000)).to.equal(true);
    });

    it('cat | sort: stopped mid-way (stop on the last stage), completes with what sort sorted', async () => {
      const { stop, watch } = stopOn((event) => event.type === 'stderr');
      const writer = spawn$('sh', ['-c', 'printf "b\\na\\nc\\n"; echo written >&2; exec cat'], { stdin: NEVER });
      const pipeline = writer.pipe(pipeTo('sort', { stop }));
      const result = await outcome(watchEvents(pipeline, watch));
      expect(result.error).to.equal(undefined);
      expect(result.completed).to.equal(true);
      expect(output(result.events)).to.equal('a\nb\nc\n');
      expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: 0 });
    });

    it('a later stage that does not end on the end of its input is stopped after its own killTimeout', async () => {
      const { stop, watch } = stopOn((event) => event.type === 'stdout');
      const pipeline = spawn$('yes').pipe(pipeTo('sh', ['-c', 'head -n 1; exec sleep 60'], { stop, killTimeout: 100 }));
      const result = await outcome(watchEvents(pipeline, watch));
      expect(result.completed).to.equal(true);
      expect(output(result.events)).to.equal('y\n');
      expect(exitOf(result.events)).to.include({ type: 'exit', signal: 'SIGTERM' });
      expect(await eventually(() => liveProcessCount() === 0, 3000)).to.equal(true);
    });

    it("an error from a stage's stop fails the pipeline", async () => {
      const stop = new Subject<void>();
      const boom = new Error('boom');
      const pipeline = spawn$('yes', { stop }).pipe(pipeTo('head', ['-n', '100000000']));
      const result = await outcome(watchEvents(pipeline, () => stop.error(boom)));
      expect(result.error).to.equal(boom);
      expect(await eventually(() => liveProcessCount() === 0, 3000)).to.equal(true);
    });
  });

  describe('bad input', () => {
    it('a stop that is not an Observable is a TypeError at call time (property)', () => {
      fc.assert(
        fc.property(
          fc.anything().filter((value) => value !== undefined && !isObservable(value)),
          (value) => {
            expect(() => spawn$('true', { stop: value as never })).to.throw(TypeError, /stop/);
            expect(() => spawn$('true').pipe(pipeTo('cat', { stop: value as never }))).to.throw(TypeError, /stop/);
          },
        ),
      );
      for (const value of [1, 'now', Promise.resolve(), () => undefined, null]) {
        expect(() => spawn$('true', { stop: value as never })).to.throw(TypeError, /option "stop"/);
      }
    });

    it('is taken with host and in a pipeline with a remote stage (spec/remote/stop.spec.ts runs them)', () => {
      expect(() => spawn$('true', { host: 'example.org', stop: NEVER })).to.not.throw();
      expect(() => spawn$('true', { stop: NEVER }).pipe(pipeTo('cat', { host: 'example.org' }))).to.not.throw();
      expect(() => spawn$('true', { host: 'example.org' }).pipe(pipeTo('cat', { stop: NEVER }))).to.not.throw();
    });
  });
});
