import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { ProbeFailedError, waitForHttp } from '../../packages/rxproc/src/index.js';
import { eventually } from '../support/processes.js';

/** A server on a port of its own (port 0), answering with `handle`; closed after the test. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health` };
}

describe('waitForHttp', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });

  it('retries a 503 until the server answers 200, then emits one success and completes', async () => {
    let requests = 0;
    const { server, url } = await serve((_req, res) => {
      res.statusCode = ++requests < 3 ? 503 : 200;
      res.end('body');
    });
    servers.push(server);
    const success = await lastValueFrom(waitForHttp(url, { interval: 10 }));
    expect(success).to.include({ probe: 'http', target: url, attempts: 3, result: 'HTTP 200' });
    expect(requests).to.equal(3);
  });

  it('errors after the deadline with what it last got (HTTP 503), and a message a person can act on', async () => {
    const { server, url } = await serve((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    servers.push(server);
    const error = await lastValueFrom(waitForHttp(url, { interval: 20, deadline: 300 })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProbeFailedError).and.include({ probe: 'http', target: url, reason: 'deadline', lastResult: 'HTTP 503', deadline: 300 });
    expect((error as ProbeFailedError).attempts).to.be.at.least(1);
    expect((error as Error).message).to.match(new RegExp(`^http probe of ${url} did not succeed within 300 ms \\(\\d+ attempts?\\); last: HTTP 503$`));
  });

  it('reports "connection refused" when nothing listens', async () => {
    const { server, url } = await serve(() => undefined);
    await new Promise((done) => server.close(done));
    const error = await lastValueFrom(waitForHttp(url, { attempts: 2, interval: 0 })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProbeFailedError).and.include({ reason: 'attempts', attempts: 2, lastResult: 'connection refused' });
  });

  it('bounds each attempt by timeout, and closes the connection of an attempt that timed out', async () => {
    let open = 0;
    const { server, url } = await serve(() => undefined); // never answers
    server.on('connection', (socket) => {
      open++;
      socket.on('close', () => open--);
    });
    servers.push(server);
    const error = await lastValueFrom(waitForHttp(url, { timeout: 100, attempts: 2, interval: 0 })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProbeFailedError).and.include({ reason: 'attempts', lastResult: 'timed out after 100 ms' });
    expect(await eventually(() => open === 0, 5000), 'no connection left open').to.equal(true);
  });

  it('unsubscribing destroys the request in flight', async () => {
    let open = 0;
    let seen = 0;
    const { server, url } = await serve(() => undefined);
    server.on('connection', (socket) => {
      open++;
      seen++;
      socket.on('close', () => open--);
    });
    servers.push(server);
    const subscription = waitForHttp(url, { timeout: 60_000 }).subscribe({ error: () => expect.fail('no error after unsubscribe') });
    await eventually(() => seen === 1, 5000);
    subscription.unsubscribe();
    expect(await eventually(() => open === 0, 5000)).to.equal(true);
  });

  it('checks its arguments at call time', () => {
    expect(() => waitForHttp('not a url')).to.throw(TypeError, /waitForHttp: url must be an absolute http: or https: URL, got "not a url"/);
    expect(() => waitForHttp('ftp://x/')).to.throw(TypeError, /http: or https:/);
    expect(() => waitForHttp('http://x/', { interval: -1 })).to.throw(TypeError, /option "interval" must be milliseconds from 0/);
    expect(() => waitForHttp('http://x/', { timeout: 0 })).to.throw(TypeError, /option "timeout"/);
    expect(() => waitForHttp('http://x/', { deadline: Number.NaN })).to.throw(TypeError, /option "deadline" .*or Infinity, got NaN/);
    expect(() => waitForHttp('http://x/', { attempts: 1.5 })).to.throw(TypeError, /option "attempts" must be a whole number/);
    expect(() => waitForHttp('http://x/', { intervall: 5 } as never)).to.throw(TypeError, /unknown option "intervall"/);
  });
});
