import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { WATCHDOG_SCRIPT } from '../../../packages/rxproc/src/internal/terminate/watchdog.js';
import { populated, procsOf, startCgroupHost, startEscapee, useSpecParent } from '../../support/cgroups.js';
import { canForceReuse, forcedReuse } from '../../support/pidReuse.js';
import { eventually, isAlive } from '../../support/processes.js';

/**
 * The watchdog's shell, driven directly (the host that would feed it is simulated by a pipe): what it does
 * once the host is gone. The whole path, a real host killed with SIGKILL, is in spec/reliability/hostDeath.spec.ts.
 */

describe('watchdog (the shell that outlives a SIGKILLed host)', function () {
  this.timeout(20000);

  it('stops waiting as soon as the group is empty: gone while the killTimeout (60 s) has not passed', async () => {
    // Our group ignores SIGTERM and ends by itself after 0.3 s.
    const group = spawn('sh', ['-c', "trap '' TERM; sleep 0.3"], { detached: true, stdio: 'ignore' });
    await new Promise((done) => group.once('spawn', done));
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const gone = new Promise<number>((done) => watchdog.once('exit', () => done(performance.now())));
    watchdog.stdin.end(`+ ${group.pid!} 60000\n`);
    const startedAt = performance.now();
    const goneAt = await Promise.race([gone, new Promise<number>((done) => setTimeout(() => done(Infinity), 15000))]);
    expect(goneAt - startedAt, 'the watchdog is gone well before the killTimeout').to.be.below(15000);
  });

  it('still sends SIGKILL to a group that ignores SIGTERM, once the grace is over', async () => {
    const group = spawn('sh', ['-c', "trap '' TERM; sleep 30 & wait"], { detached: true, stdio: 'ignore' });
    await new Promise((done) => group.once('spawn', done));
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.stdin.end(`+ ${group.pid!} 300\n`);
    const startedAt = performance.now();
    await new Promise((done) => group.once('exit', done));
    expect(performance.now() - startedAt, 'alive until the grace is over').to.be.at.least(300);
    expect(await eventually(() => watchdog.exitCode !== null, 5000)).to.equal(true);
  });

  it('does not signal an unrelated group that got the id of ours once ours was gone (forced pid reuse)', function () {
    if (!canForceReuse()) this.skip();
    // The host is a pipe into the watchdog: it registers P, then closes (dies).
    const start = 'mkfifo "$dir/pipe" || exit 2\nsh -c "$script" rxproc-watchdog <"$dir/pipe" & K=$!\nexec 3>"$dir/pipe"\necho "+ $P 2000" >&3\nexec 3>&-';
    expect(forcedReuse(WATCHDOG_SCRIPT, start)).to.include.members(['reused', 'alive']);
  });

  it('ignores a line that is not "+ PGID GRACE" / "- PGID" with numbers', async () => {
    const victim = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await new Promise((done) => victim.once('spawn', done));
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.stdin.end(`+ ${victim.pid!}x 0\n+ 0${victim.pid!} 0\n+ ${victim.pid!} $(kill)\n`);
    expect(await eventually(() => watchdog.exitCode !== null, 5000)).to.equal(true);
    expect(isAlive(victim.pid!)).to.equal(true);
    victim.kill('SIGKILL');
  });
});

// Run cgroups (containment: 'cgroup'): a real host (spec/fixtures/cgroupHost.ts) makes a run cgroup with a
// `setsid` escapee in it, guards it, and is SIGKILLed. Each test works in a spec folder of its own.
describe('watchdog: run cgroups after a SIGKILLed host', function () {
  this.timeout(30000);
  let parent = '';
  const specParent = useSpecParent();
  beforeEach(() => (parent = specParent()));

  it('ends a setsid escapee and removes its cgroup and the host folder', async () => {
    const { host, ready } = await startCgroupHost({ mode: 'watchdog', parent, killTimeout: 5000 });
    expect(ready.pids).to.have.length(1);
    expect(ready.pids.every(isAlive)).to.equal(true);
    host.kill('SIGKILL');
    expect(await eventually(() => !ready.pids.some(isAlive), 15000), 'the escapee is gone').to.equal(true);
    expect(await eventually(() => !existsSync(dirname(ready.runs[0]!)), 15000), 'the host folder is gone').to.equal(true);
  });

  it('writes cgroup.kill once the grace is over, for processes that ignore SIGTERM', async () => {
    const { host, ready } = await startCgroupHost({ mode: 'watchdog', parent, killTimeout: 300, ignoreTerm: true });
    expect(ready.pids).to.have.length(2);
    const killedAt = performance.now();
    host.kill('SIGKILL');
    expect(await eventually(() => !ready.pids.some(isAlive), 15000), 'both are gone').to.equal(true);
    expect(performance.now() - killedAt, 'alive until the grace was over').to.be.at.least(300);
    expect(await eventually(() => !existsSync(dirname(ready.runs[0]!)), 15000), 'the cgroup and host folder are gone').to.equal(true);
  });

  it('keeps its list straight: a path released, re-added or a prefix of another (run-1, run-10)', async () => {
    const folder = `${parent}/rxproc-7-8`;
    const runs = ['run-1', 'run-10', 'run-2', 'run-3', 'run-4'].map((run) => `${folder}/${run}`);
    const children = await Promise.all(runs.map((run) => startEscapee(run)));
    const [one, ten, two, three, four] = runs as [string, string, string, string, string];
    const lines = [`c+ 0 ${one}`, `c+ 0 ${ten}`, `c+ 0 ${two}`, `c+ 0 ${three}`, `c- ${one}`, `c+ 0 ${two}`, `c- ${three}`, `c+ 0 ${four}`, `c- ${four}`];
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.stdin.end(lines.map((line) => `${line}\n`).join(''));
    expect(await eventually(() => watchdog.exitCode !== null, 15000), 'the watchdog is done').to.equal(true);
    expect(runs.map(existsSync)).to.deep.equal([true, false, false, true, true]);
    expect(children.map((child) => isAlive(child.pid!))).to.deep.equal([true, false, false, true, true]);
  });

  it('leaves a released cgroup as it is', async () => {
    const { host, ready } = await startCgroupHost({ mode: 'release', parent, killTimeout: 0 });
    const [guarded, released] = ready.runs as [string, string];
    expect(ready.watchdog, "the watchdog's pid").to.be.a('number');
    host.kill('SIGKILL');
    // The watchdog waits for every cgroup it stops, so once it is gone it has done all it will.
    expect(await eventually(() => !isAlive(ready.watchdog!), 15000), 'the watchdog is done').to.equal(true);
    expect(existsSync(guarded), 'the guarded cgroup is gone').to.equal(false);
    expect(populated(released), 'the released one still runs its process').to.equal(true);
    expect(procsOf(released).every(isAlive)).to.equal(true);
  });
});
