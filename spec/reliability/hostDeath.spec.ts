import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventually, isAlive } from '../support/processes.js';

// The host's normal exit, SIGTERM, SIGINT and SIGHUP are proven in spec/internal/registry.spec.ts.
// Here: SIGKILL, which runs no hook at all.
const root = resolve(__dirname, '../..');

async function startHost(mode: string): Promise<{ host: ChildProcess; pids: number[] }> {
  const host = spawn(process.execPath, [resolve(root, 'spec/fixtures/host.mjs'), mode, '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pids = await new Promise<number[]>((done, fail) => {
    host.once('error', fail);
    host.stdout.once('data', (data: Buffer) => done(JSON.parse(data.toString()) as number[]));
  });
  return { host, pids };
}

const killed = (host: ChildProcess): Promise<void> => new Promise((done) => host.once('exit', () => done()));

describe('reliability: host death by SIGKILL', function () {
  this.timeout(30000);
  before(function () {
    this.timeout(60000);
    if (!existsSync(resolve(root, 'packages/rxproc/dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });

  it('without the watchdog, the tree outlives a SIGKILLed host (no hook can run): the documented limit', async () => {
    const { host, pids } = await startHost('plain');
    host.kill('SIGKILL');
    await killed(host);
    await new Promise((done) => setTimeout(done, 300));
    expect(pids.every(isAlive)).to.equal(true);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
  });

  it('with { watchdog: true }, the whole tree is gone within a second of the SIGKILL', async () => {
    const { host, pids } = await startHost('watchdog');
    expect(pids.every(isAlive)).to.equal(true);
    host.kill('SIGKILL');
    await killed(host);
    expect(await eventually(() => !pids.some(isAlive), 1000)).to.equal(true);
  });
});
