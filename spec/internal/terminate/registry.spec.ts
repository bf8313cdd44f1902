import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { liveProcessCount, spawn$ } from '../../../packages/rxproc/src/index.js';
import { REAPER_SCRIPT } from '../../../packages/rxproc/src/internal/terminate/registry.js';
import { delay, outcome } from '../../support/outcome.js';
import { startCgroupHost, useSpecParent } from '../../support/cgroups.js';
import { canForceReuse, forcedReuse } from '../../support/pidReuse.js';
import { eventually, isAlive } from '../../support/processes.js';

const root = resolve(__dirname, '../../..');
const hostScript = resolve(root, 'spec/fixtures/host.mjs');

/** Starts the host fixture (an application using the built rxproc) and waits for its tree's pids. */
async function startHost(mode: string, killTimeout = 5000): Promise<{ host: ChildProcess; pids: number[] }> {
  const host = spawn(process.execPath, [hostScript, mode, String(killTimeout)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pids = await new Promise<number[]>((resolvePids, reject) => {
    host.once('error', reject);
    host.stdout.once('data', (data: Buffer) => resolvePids(JSON.parse(data.toString()) as number[]));
  });
  return { host, pids };
}

const exitOf = (host: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> =>
  new Promise((resolveExit) => {
    if (host.exitCode !== null || host.signalCode !== null) resolveExit([host.exitCode, host.signalCode]);
    else host.once('exit', (code, signal) => resolveExit([code, signal]));
  });

const HOOKED_EVENTS = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const listenerCounts = (): number[] => HOOKED_EVENTS.map((name) => process.listenerCount(name));

describe('host exit (registry)', function () {
  this.timeout(30000);

  before(function () {
    this.timeout(60000);
    // The host fixture runs the built package, as an application would.
    if (!existsSync(resolve(root, 'packages/rxproc/dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`a host killed by ${signal} takes every child tree along and still dies of ${signal}`, async () => {
      const { host, pids } = await startHost('plain');
      expect(pids).to.have.length(2);
      expect(pids.every(isAlive)).to.equal(true);
      host.kill(signal);
      expect(await exitOf(host)).to.deep.equal([null, signal]);
      expect(await eventually(() => !pids.some(isAlive), 1000)).to.equal(true);
    });
  }

  it('a host that calls process.exit keeps its exit code, and its children are killed', async () => {
    const { host, pids } = await startHost('exit');
    expect(await exitOf(host)).to.deep.equal([7, null]);
    expect(await eventually(() => !pids.some(isAlive), 1000)).to.equal(true);
  });

  it('a tree that ignores SIGTERM is SIGKILLed after killTimeout, though the host is gone', async () => {
    const { host, pids } = await startHost('ignore-term', 300);
    const killedAt = performance.now();
    host.kill('SIGTERM');
    expect(await exitOf(host)).to.deep.equal([null, 'SIGTERM']);
    expect(await eventually(() => !pids.some(isAlive), 10000)).to.equal(true);
    // It outlived the SIGTERM: gone only once killTimeout had run out (seen late on a loaded machine, never early).
    expect(performance.now() - killedAt, 'alive until killTimeout').to.be.at.least(300);
  });

  it('leaves no listener on process once no process is live', async () => {
    const before = listenerCounts();
    const sub = spawn$('sleep', ['30']).subscribe();
    await delay(20);
    expect(liveProcessCount()).to.equal(1);
    expect(listenerCounts()).to.not.deep.equal(before);
    sub.unsubscribe();
    await eventually(() => liveProcessCount() === 0);
    // the hook is removed a tick after the last tree is gone (so back-to-back processes keep it)
    await new Promise((resolve) => setImmediate(resolve));
    expect(listenerCounts()).to.deep.equal(before);
    await outcome(spawn$('true'));
    expect(liveProcessCount()).to.equal(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(listenerCounts()).to.deep.equal(before);
  });
});

// The reaper's shell, driven directly with the arguments the exit hook gives it (PGID MS …).
describe('host exit: the reaper', function () {
  this.timeout(20000);

  const startGroup = async (script: string): Promise<ChildProcess> => {
    const group = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    await new Promise((done) => group.once('spawn', done));
    return group;
  };
  const reaper = (...args: number[]): ChildProcess => spawn('/bin/sh', ['-c', REAPER_SCRIPT, 'rxproc-reaper', ...args.map(String)], { stdio: 'ignore' });

  it('stops waiting as soon as the group is empty: gone while the killTimeout (60 s) has not passed', async () => {
    const group = await startGroup("trap '' TERM; sleep 0.3");
    const startedAt = performance.now();
    const child = reaper(group.pid!, 60000);
    expect(await eventually(() => child.exitCode !== null, 15000, 50), 'the reaper is gone').to.equal(true);
    expect(performance.now() - startedAt, 'well before the killTimeout').to.be.below(15000);
  });

  it('sends SIGKILL to a group still alive after its killTimeout, not before', async () => {
    const group = await startGroup("trap '' TERM; sleep 30 & wait");
    const startedAt = performance.now();
    const child = reaper(group.pid!, 300);
    await new Promise((done) => group.once('exit', done));
    expect(performance.now() - startedAt, 'alive until killTimeout').to.be.at.least(300);
    expect(await eventually(() => child.exitCode !== null, 5000)).to.equal(true);
  });

  it('does not SIGKILL an unrelated group that got the id of ours once ours was gone (forced pid reuse)', function () {
    if (!canForceReuse()) this.skip();
    expect(forcedReuse(REAPER_SCRIPT, 'sh -c "$script" rxproc-reaper "$P" 2000 & K=$!')).to.include.members(['reused', 'alive']);
  });

  it('ignores a pgid that is not a plain number', async () => {
    const victim = await startGroup('sleep 30');
    const child = spawn('/bin/sh', ['-c', REAPER_SCRIPT, 'rxproc-reaper', `${victim.pid!}x`, '0', `0${victim.pid!}`, '0', '$(kill)', '0'], {
      stdio: 'ignore',
    });
    expect(await eventually(() => child.exitCode !== null, 5000)).to.equal(true);
    expect(isAlive(victim.pid!)).to.equal(true);
    process.kill(-victim.pid!, 'SIGKILL');
  });
});

// Run cgroups (containment: 'cgroup') through the real exit hook: the host fixture tracks a tree that names
// its cgroup (cgroupPath), then calls process.exit when the spec writes a line to it.
describe('host exit: run cgroups through the reaper', function () {
  this.timeout(30000);
  let parent = '';
  const specParent = useSpecParent();
  beforeEach(() => (parent = specParent()));

  const exitHost = async (host: ChildProcess): Promise<void> => {
    host.stdin!.write('exit\n');
    expect(await exitOf(host)).to.deep.equal([0, null]);
  };

  it('a host that calls process.exit: its setsid escapee ends and the cgroup and host folder are removed', async () => {
    const { host, ready } = await startCgroupHost({ mode: 'reaper', parent, killTimeout: 5000 });
    expect(ready.pids.every(isAlive)).to.equal(true);
    await exitHost(host);
    expect(await eventually(() => !ready.pids.some(isAlive), 15000), 'the escapee is gone').to.equal(true);
    expect(await eventually(() => !existsSync(dirname(ready.runs[0]!)), 15000), 'the host folder is gone').to.equal(true);
  });

  it('processes that ignore the killSignal get cgroup.kill after killTimeout, not before', async () => {
    const { host, ready } = await startCgroupHost({ mode: 'reaper', parent, killTimeout: 300, ignoreTerm: true });
    expect(ready.pids).to.have.length(2);
    const exitAt = performance.now();
    await exitHost(host);
    expect(await eventually(() => !ready.pids.some(isAlive), 15000), 'both are gone').to.equal(true);
    expect(performance.now() - exitAt, 'alive until killTimeout').to.be.at.least(300);
    expect(await eventually(() => !existsSync(dirname(ready.runs[0]!)), 15000), 'the cgroup and host folder are gone').to.equal(true);
  });

  it('with an infinite killTimeout, the cgroup is removed once the killSignal has emptied it', async () => {
    const { host, ready } = await startCgroupHost({ mode: 'reaper', parent, killTimeout: 'Infinity' });
    await exitHost(host);
    expect(await eventually(() => !ready.pids.some(isAlive), 15000), 'the escapee is gone').to.equal(true);
    expect(await eventually(() => !existsSync(dirname(ready.runs[0]!)), 15000), 'the cgroup and host folder are gone').to.equal(true);
  });
});
