import { expect } from 'chai';
import fc from 'fast-check';
import { concat, filter, finalize, lastValueFrom, map, NEVER, Observable, of, throwError, toArray } from 'rxjs';
import { collectOutput, lines, pipeTo, retryOnExit, spawn$, type ProcessEvent, type SpawnOptions } from '../../../packages/rxproc/src/index.js';
import { outcome, output } from '../../support/outcome.js';
import { isAlive, readProcFile } from '../../support/processes.js';

const node = process.execPath;
const messages = (events: readonly unknown[]): unknown[] =>
  events.flatMap((e) => (typeof e === 'object' && e !== null && (e as ProcessEvent).type === 'message' ? [(e as { data: unknown }).data] : []));
/** Echoes each message; on { $end: true } answers 'end' and closes the channel once that is written. */
const ECHO = 'process.on("message", (m) => m && m.$end === true ? process.send("end", () => process.disconnect()) : process.send(m))';
const END = { $end: true };
/** A child that keeps its channel open and never ends by itself. */
const LISTEN = 'process.on("message", () => {}); setInterval(() => {}, 1000)';

/** Subscribes with an `onSettled` and resolves once the run is over and its tree gone. */
async function settledOutcome(command: string, args: string[], options: SpawnOptions) {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const result = await outcome(spawn$(command, args, { ...options, onSettled: settle }));
  await settled;
  return result;
}

describe('ipc: Node IPC channel (ipcChannel)', () => {
  it('without ipc, the child has no channel (process.send is undefined): nothing changes', async () => {
    const { events, completed } = await outcome(spawn$(node, ['-e', 'console.log(typeof process.send)']));
    expect(completed).to.equal(true);
    expect(output(events).trim()).to.equal('undefined');
    expect(messages(events)).to.deep.equal([]);
  });

  it("each message from the child is a { type: 'message', data } event, in order, between spawn and exit", async () => {
    const script = 'for (let i = 0; i < 200; i++) process.send({ i }); process.send("last", () => process.disconnect())';
    const { events, completed } = await outcome(spawn$(node, ['-e', script], { ipc: true }));
    expect(completed).to.equal(true);
    expect(events[0]!.type).to.equal('spawn');
    expect(events.at(-1)!.type).to.equal('exit');
    expect(messages(events)).to.deep.equal([...Array.from({ length: 200 }, (_, i) => ({ i })), 'last']);
  });

  it('messages written before the exit are all read: the run waits for the end of the channel', async () => {
    const script = 'for (let i = 0; i < 2000; i++) process.send(i); process.send("last", () => process.exit(3))';
    const { events, error } = await outcome(spawn$(node, ['-e', script], { ipc: true, successExitCodes: [3] }));
    expect(error).to.equal(undefined);
    expect(messages(events)).to.have.length(2001);
    expect(messages(events).at(-1)).to.equal('last');
    expect(events.at(-1)).to.include({ type: 'exit', exitCode: 3 });
  });

  it('a descendant holding the channel open: the wait for its end is bounded by drainTimeout, and the descendant stopped', async () => {
    const { events, completed } = await settledOutcome('sh', ['-c', 'sleep 60 & exit 0'], { ipc: true, drainTimeout: 200, stdout: 'ignore', stderr: 'ignore' });
    expect(completed).to.equal(true);
    expect(events.map((e) => e.type)).to.deep.equal(['spawn', 'exit']);
  });

  it('send delivers its values in order, after the spawn; the child echoes them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 30 }), async (values) => {
        const sent = values.filter((v) => v !== null).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
        const { events, completed } = await outcome(spawn$(node, ['-e', ECHO], { ipc: true, send: concat(of(...sent), of(END)) }));
        expect(completed).to.equal(true);
        expect(messages(events)).to.deep.equal([...sent, 'end']);
      }),
      { numRuns: 6 },
    );
  });

  it("serialization: 'advanced' passes a Map and a BigInt; 'json' (the default) does not", async () => {
    const value = { map: new Map([['a', 1n]]), big: 2n ** 70n };
    const advanced = await outcome(spawn$(node, ['-e', ECHO], { ipc: true, serialization: 'advanced', send: of(value, END) }));
    expect(advanced.completed).to.equal(true);
    expect(messages(advanced.events)).to.deep.equal([value, 'end']);
    const json = await outcome(spawn$(node, ['-e', ECHO], { ipc: true, send: of({ map: new Map([['a', 1]]) }, END) }));
    expect(messages(json.events)).to.deep.equal([{ map: {} }, 'end']);
  });

  describe('a value that cannot be serialised errors the Observable and leaves nothing running', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const cases: Array<[string, unknown, SpawnOptions['serialization']]> = [
      ['a BigInt with json', 10n, 'json'],
      ['a function with json', () => 1, 'json'],
      ['a circular object with json', circular, 'json'],
      ['undefined', undefined, 'json'],
      ['a function with advanced', { f: () => 1 }, 'advanced'],
    ];
    for (const [name, value, serialization] of cases) {
      it(name, async () => {
        const { events, error } = await settledOutcome(node, ['-e', LISTEN], { ipc: true, serialization, send: concat(of(1), of(value)) });
        expect(error).to.be.instanceOf(TypeError);
        expect((error as Error).message).to.match(/^send: /);
        const spawn = events.find((e) => e.type === 'spawn');
        expect(spawn).to.not.equal(undefined);
        expect(isAlive((spawn as { pid: number }).pid)).to.equal(false);
      });
    }
  });

  it('a first value that cannot be sent fails the start itself: the stdin source too is stopped', async () => {
    let stdinStopped = false;
    const stdin = NEVER.pipe(finalize(() => (stdinStopped = true)));
    const { events, error } = await settledOutcome(node, ['-e', LISTEN], { ipc: true, send: of(10n), stdin });
    expect(error).to.be.instanceOf(TypeError);
    expect(stdinStopped).to.equal(true);
    expect(isAlive((events[0] as { pid: number }).pid)).to.equal(false);
  });

  it("an error of send is the Observable's error; the process is killed", async () => {
    const failure = new Error('no more work');
    const { events, error } = await settledOutcome(node, ['-e', LISTEN], {
      ipc: true,
      send: concat(
        of(1),
        throwError(() => failure),
      ),
    });
    expect(error).to.equal(failure);
    expect(isAlive((events[0] as { pid: number }).pid)).to.equal(false);
  });

  it('sending stops at the exit: a send that never completes is unsubscribed and the run completes', async () => {
    let unsubscribed = false;
    const send = concat(of('go'), NEVER).pipe(finalize(() => (unsubscribed = true)));
    const { events, completed } = await outcome(
      spawn$(node, ['-e', 'process.once("message", (m) => process.send(m, () => process.exit(0)))'], { ipc: true, send }),
    );
    expect(completed).to.equal(true);
    expect(messages(events)).to.deep.equal(['go']);
    expect(unsubscribed).to.equal(true);
  });

  it('unsubscribing stops the child and the channel; nothing more is emitted', async () => {
    const events: ProcessEvent[] = [];
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const subscription = spawn$(node, ['-e', `${LISTEN}; process.send("up")`], { ipc: true, onSettled: settle }).subscribe((event) => {
      events.push(event);
      if (event.type === 'message') subscription.unsubscribe();
    });
    await settled;
    expect(events.map((e) => e.type)).to.deep.equal(['spawn', 'message']);
    expect(isAlive((events[0] as { pid: number }).pid)).to.equal(false);
  });

  it('backpressure: while the child does not read, the source of send (a process) is held back', async function () {
    this.timeout(30_000);
    let producer: number | undefined;
    let produced = 0;
    // `yes` writes as fast as it can; without backpressure it would never block on its stdout.
    const send = spawn$('yes', ['x'.repeat(1000)]).pipe(
      filter((event) => {
        if (event.type === 'spawn') producer = event.pid;
        return event.type === 'stdout';
      }),
      map((event) => {
        produced += (event as { data: Buffer }).data.length;
        return (event as { data: Buffer }).data.toString('latin1');
      }),
    );
    const blocked = new Promise<void>((resolve) => {
      const poll = (): void => {
        // Blocked in a write: its stdout (a socket pair, as Node makes 'pipe' stdio) is full.
        if (producer !== undefined && /pipe_write|sock_alloc_send|unix_stream_sendmsg/.test(readProcFile(producer, 'wchan') ?? '')) resolve();
        else setTimeout(poll, 20);
      };
      poll();
    });
    // The child blocks its event loop: it never reads the channel.
    const subscription = spawn$(node, ['-e', 'for (;;);'], { ipc: true, send }).subscribe({ error: () => undefined });
    await blocked;
    subscription.unsubscribe();
    // What the socket and the pipes hold, not what yes could write in the meantime.
    expect(produced).to.be.below(64 * 1024 * 1024);
  });

  describe('everywhere: a pipeline stage, and the operators ignore message events', () => {
    const HELLO = 'process.send("hello", () => { console.log("out"); process.disconnect(); })';

    it('an upstream stage with ipc: its messages are passed on', async () => {
      const { events, completed } = await outcome(spawn$(node, ['-e', HELLO], { ipc: true }).pipe(pipeTo('cat')));
      expect(completed).to.equal(true);
      expect(messages(events)).to.deep.equal(['hello']);
      expect(output(events)).to.equal('out\n');
    });

    it('the last stage with ipc and send', async () => {
      const { events, completed } = await outcome(spawn$('echo', ['in']).pipe(pipeTo(node, ['-e', ECHO], { ipc: true, send: of(1, END) })));
      expect(completed).to.equal(true);
      expect(messages(events)).to.deep.equal([1, 'end']);
    });

    it('collectOutput, lines, pipeTo (from any Observable) and retryOnExit', async () => {
      const process$ = () => spawn$(node, ['-e', HELLO], { ipc: true });
      expect(await lastValueFrom(process$().pipe(collectOutput()))).to.include({ stdout: 'out\n', exitCode: 0 });
      expect(await lastValueFrom(process$().pipe(lines(), toArray()))).to.deep.equal(['out']);
      const plain = new Observable<ProcessEvent>((subscriber) => process$().subscribe(subscriber));
      const piped = await outcome(plain.pipe(pipeTo('cat')));
      expect(piped.completed).to.equal(true);
      expect(output(piped.events)).to.equal('out\n');
      const retried = await outcome(process$().pipe(retryOnExit({ count: 1, when: 'always', delay: 0 })));
      expect(messages(retried.events)).to.deep.equal(['hello', 'hello']);
    });
  });

  describe('bad input: a TypeError at call time', () => {
    const cases: Array<[string, SpawnOptions, RegExp]> = [
      ['ipc not a boolean', { ipc: 'yes' as never }, /option "ipc" must be a boolean/],
      ['send not an Observable', { ipc: true, send: [1, 2] as never }, /option "send" must be an Observable/],
      ['send without ipc', { send: of(1) }, /option "send" needs "ipc: true"/],
      ['send with ipc: false', { ipc: false, send: of(1) }, /option "send" needs "ipc: true"/],
      ['serialization unknown', { ipc: true, serialization: 'xml' as never }, /option "serialization" must be 'json' or 'advanced'/],
      ['serialization without ipc', { serialization: 'advanced' }, /option "serialization" needs "ipc: true"/],
      ['ipc with host', { ipc: true, host: 'example.org' }, /option "ipc" cannot be used with "host"/],
      ['send with host', { ipc: true, send: of(1), host: 'example.org' }, /option "(ipc|send)" cannot be used with "host"/],
      ['serialization with host', { ipc: true, serialization: 'json', host: 'example.org' }, /cannot be used with "host"/],
    ];
    for (const [name, options, message] of cases) {
      it(name, () => {
        expect(() => spawn$(node, options)).to.throw(TypeError, message);
        expect(() => spawn$('true').pipe(pipeTo(node, options))).to.throw(TypeError, message);
      });
    }
  });
});
