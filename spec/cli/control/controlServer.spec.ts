import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnotherRunError } from '../../../packages/cli/src/control/claimSocket.js';
import { controlRequest, NoRunError, RefusedError } from '../../../packages/cli/src/control/controlClient.js';
import { controlDir, ControlPathError, controlSocketPath } from '../../../packages/cli/src/control/controlPath.js';
import { ControlServer } from '../../../packages/cli/src/control/controlServer.js';
import { ControlError } from '../../../packages/cli/src/control/protocol.js';

/** Sends raw lines, returns the answer lines once `count` have come. */
function raw(path: string, text: string, count: number): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let got = '';
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      const lines = got.split('\n').filter(Boolean);
      if (lines.length < count) return;
      socket.destroy();
      resolve(lines.map((line) => JSON.parse(line) as Record<string, unknown>));
    });
    socket.on('error', reject);
  });
}

describe('the control socket (control/)', function () {
  this.timeout(20000);
  let runtime: string;
  let servers: ControlServer[];
  const env = (): NodeJS.ProcessEnv => ({ XDG_RUNTIME_DIR: runtime });
  const listen = async (folder: string): Promise<ControlServer> => {
    const server = await ControlServer.listen(controlSocketPath(folder, env()), folder, (request, reply) => {
      if (request.command === 'info') return reply.done({ pid: process.pid, file: `${folder}/rxproc.yaml` });
      if (request.command === 'restart') throw new ControlError('no-such-task', `no task named "${request.tasks[0]}"`);
      reply.done({ echo: request.command });
    });
    servers.push(server);
    return server;
  };

  beforeEach(() => {
    runtime = mkdtempSync(join(tmpdir(), 'rxproc-control-'));
    servers = [];
  });
  afterEach(async () => {
    for (const server of servers) await server.close();
    rmSync(runtime, { recursive: true, force: true });
  });

  it('keeps its sockets in a folder only this user may enter, named by the real path of the run folder', () => {
    const dir = controlDir(env());
    expect(dir).to.equal(join(runtime, 'rxproc'));
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    symlinkSync(runtime, join(runtime, 'link'));
    expect(controlSocketPath(join(runtime, 'link'), env())).to.equal(controlSocketPath(runtime, env()));
    // A socket's path is limited to 107 bytes: the name adds 29 to the control folder, whatever the run folder.
    expect(controlSocketPath(join(runtime, 'link'), env()).length).to.equal(join(runtime, 'rxproc').length + 1 + 24 + 5);
  });

  it('refuses a control folder open to others, owned by another user, or not a folder', () => {
    chmodSync(join(controlDir(env())), 0o755);
    expect(() => controlDir(env())).to.throw(ControlPathError, /can be entered by other users \(mode 755\).*chmod 700/);
    chmodSync(join(runtime, 'rxproc'), 0o700);
    chownSync(join(runtime, 'rxproc'), 65534, 65534);
    expect(() => controlDir(env())).to.throw(ControlPathError, /belongs to another user \(uid 65534\)/);
    rmSync(join(runtime, 'rxproc'), { recursive: true });
    mkdirSync(join(runtime, 'elsewhere'));
    symlinkSync(join(runtime, 'elsewhere'), join(runtime, 'rxproc'));
    expect(() => controlDir(env())).to.throw(ControlPathError, /is not a folder/);
  });

  it('answers JSON lines with the request id; a bad line or command is a bad-request answer, a refusal carries its code', async () => {
    const server = await listen(runtime);
    expect(statSync(server.path).mode & 0o777).to.equal(0o600);
    const answers = await raw(
      server.path,
      '{"id":7,"command":"ps"}\nnot json\n{"id":9,"command":"dance"}\n{"id":"r","command":"restart","tasks":["x"]}\n{"command":"logs","tasks":"web"}\n',
      5,
    );
    expect(answers).to.deep.equal([
      { id: 7, ok: true, echo: 'ps' },
      { ok: false, error: 'bad-request', message: 'not a JSON line' },
      { id: 9, ok: false, error: 'bad-request', message: 'unknown command "dance" (commands: info, ps, restart, start, stop, logs)' },
      { id: 'r', ok: false, error: 'no-such-task', message: 'no task named "x"' },
      { ok: false, error: 'bad-request', message: '"tasks" must be a list of task names' },
    ]);
    const refused = await controlRequest(server.path, { command: 'restart', tasks: ['x'] }, runtime).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(RefusedError).with.property('code', 'no-such-task');
  });

  it('answers a client that closed its side after its request (half-open), then ends the connection', async () => {
    const path = controlSocketPath(runtime, env());
    const server = await ControlServer.listen(path, runtime, async (_request, reply) => {
      await new Promise((resolve) => setImmediate(resolve));
      reply.done({ late: true });
    });
    servers.push(server);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = createConnection(path);
      let got = '';
      socket.on('connect', () => socket.end('{"id":1,"command":"ps"}\n'));
      socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(answer).to.equal('{"id":1,"ok":true,"late":true}\n');
  });

  it('refuses a second run in the same folder, naming the first; the first keeps its socket', async () => {
    const first = await listen(runtime);
    const second = await listen(runtime).catch((error: unknown) => error);
    expect(second).to.be.instanceOf(AnotherRunError);
    expect((second as Error).message).to.equal(
      `another rxproc run (pid ${process.pid}, ${runtime}/rxproc.yaml) is already running in ${runtime}: stop it with "rxproc stop", or run from another folder`,
    );
    expect((await controlRequest(first.path, { command: 'ps' }, runtime)).echo).to.equal('ps');
  });

  it('replaces the socket of a run that was SIGKILLed, which a client reports as no run', async () => {
    const path = controlSocketPath(runtime, env());
    const dead = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise((resolve) => dead.stdout.once('data', resolve));
    dead.kill('SIGKILL');
    await new Promise((resolve) => dead.on('close', resolve));
    expect(existsSync(path), 'the killed run left its socket').to.equal(true);
    const none = await controlRequest(path, { command: 'ps' }, runtime).catch((error: unknown) => error);
    expect(none).to.be.instanceOf(NoRunError);
    expect((none as Error).message).to.equal(`no rxproc run in ${runtime} (the last one ended without removing its control socket; the next run replaces it)`);
    const server = await listen(runtime);
    expect((await controlRequest(server.path, { command: 'ps' }, runtime)).echo).to.equal('ps');
  });

  it('removes its socket when closed, and says "no run" after', async () => {
    const server = await listen(runtime);
    await server.close();
    servers = [];
    expect(existsSync(server.path)).to.equal(false);
    const none = await controlRequest(server.path, { command: 'ps' }, runtime).catch((error: unknown) => error);
    expect((none as Error).message).to.equal(`no rxproc run in ${runtime}`);
  });

  it('another user cannot connect', async function () {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip();
    const server = await listen(runtime);
    // The runtime folder itself must be passable for the test to prove anything about rxproc's own folder.
    chmodSync(runtime, 0o755);
    const script = `require('net').createConnection(${JSON.stringify(server.path)}).on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(0) })`;
    const other = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], {
      encoding: 'utf8',
      timeout: 10000,
    });
    expect(other.stdout.trim()).to.equal('EACCES');
  });
});
