import { expect } from 'chai';
import { BehaviorSubject, NEVER, Observable, Subject } from 'rxjs';
import { pipeTo, ProcessTimeoutError, spawn$, type ProcessEvent, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { outcome, output } from '../support/outcome.js';
import { eventually, isAlive } from '../support/processes.js';
import { useSshd, WRAPPER_CASES } from '../support/sshd.js';

/** Prints `ready` and its pid, then runs until a signal; on SIGTERM it prints its last words and exits 143. */
const LAST_WORDS = `trap 'echo last words; exit 143' TERM; echo ready $$; while :; do sleep 0.05; done`;
const exitOf = (events: readonly ProcessEvent[]): ProcessEvent => events[events.length - 1]!;

/** The source's events; `stop` emits once the subscriber has seen stdout containing `ready`. */
function stopWhenReady(make: (stop: Observable<void>) => Observable<ProcessEvent>): Observable<ProcessEvent> {
  return new Observable<ProcessEvent>((subscriber) => {
    const stop = new Subject<void>();
    let seen = '';
    return make(stop).subscribe({
      next: (event) => {
        subscriber.next(event);
        if (event.type !== 'stdout') return;
        seen += event.data.toString();
        if (seen.includes('ready')) stop.next();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
}

describe('remote: stop (stop and still see the end), over ssh', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  for (const [name, extra] of [...WRAPPER_CASES, ['perl wrapper, a full shared connection: the stop goes on one of its own', { maxSessions: 1 }]] as const) {
    it(`the last words after SIGTERM, then exit, then complete (${name})`, async () => {
      const result = await outcome(stopWhenReady((stop) => spawn$('sh', ['-c', LAST_WORDS], { host: host(extra), stop })));
      expect(result.error).to.equal(undefined);
      expect(result.completed).to.equal(true);
      expect(output(result.events)).to.match(/^ready \d+\nlast words\n$/);
      expect(result.events[0]).to.include({ type: 'spawn' });
      // The sh wrapper reports an exit code from 129 to 192 as the signal (docs/remote.md).
      const end = 'wrapper' in extra ? { exitCode: null, signal: 'SIGTERM' } : { exitCode: 143, signal: null };
      expect(exitOf(result.events)).to.include({ type: 'exit', ...end });
    });
  }

  it('the whole remote group gets the killSignal; a tree deaf to it gets SIGKILL after killTimeout and still completes', async () => {
    const script = `trap '' TERM INT; sleep 300 & echo $!; echo ready; wait`;
    let pids: number[] = [];
    const source = stopWhenReady((stop) => spawn$('sh', ['-c', script], { host: host(), stop, killSignal: 'SIGINT', killTimeout: 500 }));
    const result = await outcome(source);
    pids = output(result.events)
      .split('\n')
      .filter((line) => /^\d+$/.test(line))
      .map(Number);
    expect(pids).to.have.length(1);
    expect(result.completed).to.equal(true);
    expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: null, signal: 'SIGKILL' });
    expect(await eventually(() => !pids.some(isAlive), 3000)).to.equal(true);
  });

  for (const [name, extra] of [
    ['perl wrapper', {}],
    ['sh wrapper', { wrapper: 'sh' }],
  ] as const) {
    it(`a stop that fires at once (before the remote spawn is reported) stops it once it runs (${name})`, async () => {
      const result = await outcome(spawn$('sh', ['-c', LAST_WORDS], { host: host(extra), stop: new BehaviorSubject(1) }));
      expect(result.error).to.equal(undefined);
      expect(result.completed).to.equal(true);
      expect(result.events[0]).to.include({ type: 'spawn' });
      expect(exitOf(result.events)).to.include({ type: 'exit' });
    });
  }

  it('a timeout keeps the output up to the end, as locally, and fails with ProcessTimeoutError', async () => {
    const result = await outcome(spawn$('sh', ['-c', LAST_WORDS], { host: host(), timeout: 1500 }));
    expect(result.error).to.be.instanceOf(ProcessTimeoutError);
    expect(output(result.events)).to.match(/^ready \d+\nlast words\n$/);
    expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: 143 });
  });

  describe('pipelines with remote stages: a stop on any stage stops every stage, upstream first', () => {
    /** Writes three lines, says so on stderr, then waits on its stdin for ever (a stop must end it). */
    const WRITER = 'printf "b\\na\\nc\\n"; echo written >&2; exec cat';
    const stopOnStderr = (make: (stop: Observable<void>) => Observable<ProcessEvent>): Observable<ProcessEvent> =>
      new Observable<ProcessEvent>((subscriber) => {
        const stop = new Subject<void>();
        return make(stop).subscribe({
          next: (event) => {
            subscriber.next(event);
            if (event.type === 'stderr') stop.next();
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
      });

    for (const [name, first, last] of [
      ['remote | local', true, false],
      ['local | remote', false, true],
      ['remote | remote', true, true],
    ] as const) {
      it(`${name}: stopped mid-way (stop on the last stage), completes with what sort sorted`, async () => {
        const where = (remote: boolean): { host?: RemoteHost } => (remote ? { host: host() } : {});
        const result = await outcome(
          stopOnStderr((stop) => spawn$('sh', ['-c', WRITER], { stdin: NEVER, ...where(first) }).pipe(pipeTo('sort', [], { stop, ...where(last) }))),
        );
        expect(result.error).to.equal(undefined);
        expect(result.completed).to.equal(true);
        expect(output(result.events)).to.equal('a\nb\nc\n');
        expect(exitOf(result.events)).to.include({ type: 'exit', exitCode: 0 });
      });
    }
  });
});
