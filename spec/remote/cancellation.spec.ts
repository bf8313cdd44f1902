import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { filter, firstValueFrom, Observable, take, toArray } from 'rxjs';
import { ProcessTimeoutError, spawn$, type ProcessEvent, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { delay, outcome } from '../support/outcome.js';
import { eventually, isAlive, markedProcesses } from '../support/processes.js';
import { remoteProcesses, useSshd, WRAPPER_CASES } from '../support/sshd.js';

// The test sshd is on this machine, so the remote pids can be checked in /proc.
const TREE = 'sleep 300 & echo $!; sleep 300 & echo $!; wait';
const IGNORING_TREE = `trap '' TERM; ${TREE}`;

/** Subscribes, waits for the spawn event and the pids the tree prints, and returns them with the subscription. */
async function startTree(source: Observable<ProcessEvent>, count: number): Promise<{ pids: number[]; stop: () => void }> {
  const pids: number[] = [];
  let text = '';
  let ready!: () => void;
  const started = new Promise<void>((done) => (ready = done));
  const subscription = source.subscribe({
    next: (event) => {
      if (event.type === 'spawn') pids.push(event.pid);
      if (event.type !== 'stdout') return;
      text += event.data.toString();
      const printed = text.split('\n').filter(Boolean).map(Number);
      if (printed.length >= count) {
        pids.push(...printed);
        ready();
      }
    },
  });
  await started;
  return { pids, stop: () => subscription.unsubscribe() };
}

describe('remote: cancel = kill, over ssh', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  for (const [name, extra] of WRAPPER_CASES) {
    it(`unsubscribing kills the remote process and its children (${name})`, async () => {
      const { pids, stop } = await startTree(spawn$('sh', ['-c', TREE], { host: host(extra) }), 2);
      expect(pids).to.have.length(3);
      expect(pids.every(isAlive)).to.equal(true);
      stop();
      expect(await eventually(() => !pids.some(isAlive), 5000)).to.equal(true);
    });
  }

  it('a tree that ignores SIGTERM lives through the grace, then gets SIGKILL (killTimeout applies remotely)', async () => {
    const { pids, stop } = await startTree(spawn$('sh', ['-c', IGNORING_TREE], { host: host(), killTimeout: 1000 }), 2);
    stop();
    await delay(400);
    expect(pids.every(isAlive)).to.equal(true);
    expect(await eventually(() => !pids.some(isAlive), 5000)).to.equal(true);
  });

  it('killSignal is the signal the remote tree gets', async () => {
    // Deaf to SIGTERM: only SIGINT ends it before the 10 s grace.
    const script = `trap '' TERM; trap 'exit 0' INT; echo $$; while :; do sleep 0.05; done`;
    const { pids, stop } = await startTree(spawn$('sh', ['-c', script], { host: host(), killSignal: 'SIGINT', killTimeout: 10_000 }), 1);
    stop();
    expect(await eventually(() => !isAlive(pids[0]!), 3000)).to.equal(true);
  });

  it('a timeout stops the remote tree and fails with ProcessTimeoutError', async () => {
    let pids: number[] = [];
    const { events, error } = await outcome(
      new Observable<ProcessEvent>((subscriber) =>
        spawn$('sh', ['-c', TREE], { host: host(), timeout: 1500 }).subscribe({
          next: (event) => {
            if (event.type === 'stdout') pids = event.data.toString().split('\n').filter(Boolean).map(Number);
            subscriber.next(event);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      ),
    );
    expect(error).to.be.instanceOf(ProcessTimeoutError);
    expect(events.at(-1)).to.include({ type: 'exit', signal: 'SIGTERM' });
    expect(await eventually(() => !pids.some(isAlive), 5000)).to.equal(true);
  });

  it('onSettled is called once per subscription: after a remote run, after an unsubscribe, and when the connection fails', async () => {
    const calls = { done: 0, stopped: 0, refused: 0 };
    expect((await outcome(spawn$('true', [], { host: host(), onSettled: () => calls.done++ }))).completed).to.equal(true);
    const { stop } = await startTree(spawn$('sh', ['-c', TREE], { host: host(), onSettled: () => calls.stopped++ }), 2);
    stop();
    expect((await outcome(spawn$('true', [], { host: host({ port: 1 }), onSettled: () => calls.refused++ }))).error).to.be.instanceOf(Error);
    expect(await eventually(() => calls.done + calls.stopped + calls.refused === 3, 10_000)).to.equal(true);
    await delay(100);
    expect(calls).to.deep.equal({ done: 1, stopped: 1, refused: 1 });
  });

  it('take(1) on the output ends the remote process (cancel = drop)', async () => {
    const first = await firstValueFrom(
      spawn$('sh', ['-c', 'while :; do echo tick; sleep 0.05; done'], { host: host() }).pipe(
        filter((event) => event.type === 'stdout'),
        take(1),
        toArray(),
      ),
    );
    expect(first).to.have.length(1);
    expect(await eventually(() => remoteProcesses(sshd().uid).length === 0, 5000)).to.equal(true);
  });

  describe('when the host process exits', () => {
    const root = resolve(__dirname, '../..');
    const startHost = async (mode: string, extra: Partial<RemoteHost> = {}): Promise<{ child: ChildProcess; pids: number[] }> => {
      const env = { ...process.env, RXPROC_TEST_HOST: JSON.stringify(host(extra)) };
      const child = spawn(process.execPath, [resolve(root, 'spec/fixtures/host.mjs'), mode, '300'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const pids = await new Promise<number[]>((done, fail) => {
        child.once('error', fail);
        child.stdout.once('data', (data: Buffer) => done(JSON.parse(data.toString()) as number[]));
      });
      return { child, pids };
    };

    it('SIGTERM to the host: its exit hook stops the remote tree', async () => {
      const { child, pids } = await startHost('plain');
      expect(pids.every(isAlive)).to.equal(true);
      child.kill('SIGTERM');
      expect(await eventually(() => !pids.some(isAlive), 5000)).to.equal(true);
    });

    it('SIGKILL to the host: the watchdog takes the shared connection, and the remote tree goes with it', async () => {
      const { child, pids } = await startHost('plain');
      child.kill('SIGKILL');
      expect(await eventually(() => !pids.some(isAlive), 8000)).to.equal(true);
    });

    it('SIGKILL to the host, own connection, no watchdog: the remote tree lives on with the orphaned ssh (the documented limit)', async () => {
      const { child, pids } = await startHost('plain', { multiplex: false });
      child.kill('SIGKILL');
      await new Promise((done) => child.once('exit', done));
      await delay(300);
      expect(pids.every(isAlive)).to.equal(true);
      // Ending the orphaned ssh is enough: the wrapper then stops the tree.
      for (const { pid, cmdline } of markedProcesses()) if (cmdline.startsWith('ssh ')) process.kill(pid, 'SIGTERM');
      expect(await eventually(() => !pids.some(isAlive), 5000)).to.equal(true);
    });

    it('SIGKILL to the host, own connection: with { watchdog: true } the ssh goes, and the remote tree with it', async () => {
      const { child, pids } = await startHost('watchdog', { multiplex: false });
      child.kill('SIGKILL');
      expect(await eventually(() => !pids.some(isAlive), 8000)).to.equal(true);
    });
  });
});
