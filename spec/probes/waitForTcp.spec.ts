import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { ProbeFailedError, waitForTcp } from '../../packages/rxproc/src/index.js';
import { delay } from '../support/outcome.js';
import { eventually } from '../support/processes.js';
import { freePort } from '../support/ports.js';

describe('waitForTcp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((done) => (server === undefined ? done(undefined) : server.close(done)));
    server = undefined;
  });

  it('succeeds once a port that opens late accepts, and closes its connection', async () => {
    const port = await freePort();
    let open = 0;
    const success = lastValueFrom(waitForTcp('127.0.0.1', port, { interval: 20 }));
    // The first attempt is refused (it is made at subscription); the wait only makes the later ones count.
    await delay(200);
    server = createServer((socket) => {
      open++;
      socket.on('close', () => open--);
    });
    await new Promise<void>((done) => server!.listen(port, '127.0.0.1', done));
    const result = await success;
    expect(result).to.include({ probe: 'tcp', target: `127.0.0.1:${port}`, result: 'connection accepted' });
    expect(result.attempts).to.be.at.least(2);
    expect(await eventually(() => open === 0, 5000), 'the probe closed its connection').to.equal(true);
  });

  it('errors after the deadline: which probe, the target, the attempts and "connection refused"', async () => {
    const port = await freePort();
    const error = await lastValueFrom(waitForTcp('127.0.0.1', port, { interval: 20, deadline: 300 })).catch((e: unknown) => e);
    expect(error)
      .to.be.instanceOf(ProbeFailedError)
      .and.include({ probe: 'tcp', target: `127.0.0.1:${port}`, reason: 'deadline', lastResult: 'connection refused' });
    expect((error as Error).message).to.match(
      new RegExp(`^tcp probe of 127\\.0\\.0\\.1:${port} did not succeed within 300 ms \\(\\d+ attempts?\\); last: connection refused$`),
    );
  });

  it('unsubscribing leaves no timer behind', async () => {
    const port = await freePort();
    const probe$ = waitForTcp('127.0.0.1', port, { interval: 10_000, deadline: 60_000 });
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const subscription = probe$.subscribe();
    await eventually(() => timers() > before, 5000);
    subscription.unsubscribe();
    expect(await eventually(() => timers() === before, 5000)).to.equal(true);
  });

  it('checks its arguments at call time', () => {
    expect(() => waitForTcp('', 80)).to.throw(TypeError, /waitForTcp: host must be a host name or address/);
    expect(() => waitForTcp('localhost', 0)).to.throw(TypeError, /port must be a port number from 1 to 65535, got 0/);
    expect(() => waitForTcp('localhost', 70_000)).to.throw(TypeError, /got 70000/);
    expect(() => waitForTcp('localhost', 80, { deadline: -5 })).to.throw(TypeError, /waitForTcp: option "deadline"/);
  });
});
