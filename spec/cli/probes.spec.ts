import { expect } from 'chai';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { rxproc, startRxproc, taskDir } from './support.js';
import { freePort } from '../support/ports.js';

const names = (seen: Array<Record<string, unknown>>): string[] => seen.filter((r) => r.event !== undefined).map((r) => `${String(r.task)} ${String(r.event)}`);

describe('rxproc run: health probes (ready and liveness), through the built bin', function () {
  this.timeout(60_000);
  let server: HttpServer | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((done) => (server === undefined ? done(undefined) : server.close(done)));
    server = undefined;
  });

  it('ready: { http } waits for a 2xx from a real server (503, 503, then 200) before starting what depends on it', async () => {
    let requests = 0;
    server = createHttpServer((_req, res) => {
      res.statusCode = ++requests < 3 ? 503 : 200;
      res.end();
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    const dir = taskDir(
      `tasks:\n  web:\n    sh: exec sleep 30\n    ready: { http: "${url}", interval: 20 }\n  e2e:\n    sh: echo go\n    dependsOn: [web]\nuntil: e2e\n`,
    );
    const run = startRxproc(['run', '--json'], dir);
    expect(await run.exited).to.equal(0);
    const seen = names(run.seen);
    expect(seen.indexOf('web ready')).to.be.greaterThan(-1).and.lessThan(seen.indexOf('e2e spawn'));
    expect(requests).to.be.at.least(3);
  });

  it('ready: { tcp } waits for a port that a task opens late; { exec } for a shell line that exits 0 (in the task cwd)', async () => {
    const port = await freePort();
    const listen = `require('net').createServer(()=>{}).listen(${port},'127.0.0.1')`;
    const dir = taskDir(
      `tasks:\n  db:\n    sh: sleep 0.3; exec node -e "${listen}"\n    ready: { tcp: "127.0.0.1:${port}", interval: 20 }\n` +
        `  files:\n    sh: sleep 0.3; touch flag; exec sleep 30\n    ready: { exec: "test -e flag", interval: 20 }\n` +
        `  e2e:\n    sh: echo go\n    dependsOn: [db, files]\nuntil: e2e\n`,
    );
    const { code, stdout } = rxproc(['run'], dir);
    expect(code, stdout).to.equal(0);
    expect(stdout.indexOf('db is ready')).to.be.greaterThan(-1).and.lessThan(stdout.indexOf('e2e started'));
    expect(stdout.indexOf('files is ready')).to.be.greaterThan(-1).and.lessThan(stdout.indexOf('e2e started'));
  });

  it('a probe that never succeeds fails the task at its deadline (exit 1), naming the probe and what it last got', async () => {
    const port = await freePort();
    const dir = taskDir(`tasks:\n  db:\n    sh: exec sleep 30\n    ready: { tcp: "127.0.0.1:${port}", interval: 20, deadline: 300 }\n`);
    const { code, stdout } = rxproc(['run'], dir);
    expect(code).to.equal(1);
    expect(stdout).to.match(
      new RegExp(`db failed: not ready: tcp 127\\.0\\.0\\.1:${port} did not succeed within 300 ms \\(\\d+ attempts?\\); last: connection refused`),
    );
    expect(stdout).to.match(/db +not ready in time/);
  });

  it('a ready pattern may have a deadline: at which the task fails, quoting the last line', () => {
    const dir = taskDir(`tasks:\n  api:\n    sh: echo booting; exec sleep 30\n    ready: { pattern: "listening", deadline: 300 }\n`);
    const { code, stdout } = rxproc(['run'], dir);
    expect(code).to.equal(1);
    expect(stdout).to.include('api failed: not ready: no line matched /listening/ within 300 ms (last line: "booting")');
  });

  it('liveness: after `failures` failed checks in a row the run is killed and restarted under its restart policy', () => {
    // Each run appends its pid; the check passes from the third run on, which also ends the run.
    const dir = taskDir(
      `tasks:\n  web:\n    sh: echo $$ >> runs; exec sleep 30\n    liveness: { exec: "test $(wc -l < runs) -ge 3", interval: 20, failures: 2 }\n` +
        `    restart: { when: on-failure, delay: 10 }\n  done:\n    sh: until [ $(wc -l < runs 2>/dev/null || echo 0) -ge 3 ]; do sleep 0.05; done\nuntil: done\n`,
    );
    const { code, stdout } = rxproc(['run'], dir);
    expect(code, stdout).to.equal(0);
    expect(stdout.match(/web is unhealthy: liveness: exec .* failed 2 times in a row \(last: exit code 1\): killing it \(SIGKILL\)/g)).to.have.length(2);
    expect(stdout).to.include('web restart #2');
  });

  it('liveness with restart never: the task fails with the liveness message (exit 1)', async () => {
    const port = await freePort();
    const dir = taskDir(`tasks:\n  web:\n    sh: exec sleep 30\n    liveness: { tcp: "127.0.0.1:${port}", interval: 20, failures: 1 }\n`);
    const { code, stdout } = rxproc(['run'], dir);
    expect(code).to.equal(1);
    expect(stdout).to.include(`web failed: liveness: tcp 127.0.0.1:${port} failed 1 time in a row (last: connection refused)`);
  });

  it('bad probe keys and values: exit 2, naming the file, the line and the key', () => {
    const cases: Array<[string, string]> = [
      [`ready: { http: "ftp://x/" }`, 'tasks.a.ready.http: an http:// or https:// URL'],
      [`ready: { tcp: "nohost" }`, 'tasks.a.ready.tcp: host:port, with a port from 1 to 65535'],
      [`ready: { tcp: "h:70000" }`, 'tasks.a.ready.tcp: host:port'],
      [`ready: { exec: "" }`, 'tasks.a.ready.exec: Too small'],
      [`ready: { http: "http://x/", deadline: -1 }`, 'tasks.a.ready.deadline: Too small'],
      [`ready: { pattern: x, deadline: soon }`, 'tasks.a.ready.deadline: expected number'],
      [`ready: { http: "http://x/", tcp: "a:1" }`, 'tasks.a.ready: takes one of "pattern", "delay", "http", "tcp", "exec", not "http" and "tcp" together'],
      [`ready: { tcp: "a:1", intervall: 5 }`, 'tasks.a.ready: unknown key "intervall"'],
      [`liveness: { interval: 5 }`, 'tasks.a.liveness: needs one of "http", "tcp", "exec"'],
      [`liveness: { http: "http://x/", failures: 0 }`, 'tasks.a.liveness.failures: Too small'],
      [`liveness: { tcp: "a:1", deadline: 5 }`, 'tasks.a.liveness: unknown key "deadline"'],
    ];
    for (const [line, message] of cases) {
      const dir = taskDir(`tasks:\n  a:\n    sh: "true"\n    ${line}\n`);
      const { code, stderr } = rxproc(['run'], dir);
      expect(code, line).to.equal(2);
      expect(stderr, line).to.include(`rxproc.yaml:4: ${message}`);
    }
    const remote = rxproc(['run'], taskDir(`tasks:\n  a:\n    sh: "true"\n    host: box\n    liveness: { tcp: "a:1" }\n`));
    expect(remote.code).to.equal(2);
    expect(remote.stderr).to.include('rxproc.yaml:5: tasks.a.liveness: not available for a task with "host"');
  });
});
