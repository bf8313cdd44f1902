import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { lastValueFrom, tap, toArray } from 'rxjs';
import {
  ProcessExitError,
  ProcessTimeoutError,
  spawn$,
  SpawnError,
  type ExitEvent,
  type ProcessEvent,
  type ProcessUsage,
} from '../packages/rxproc/src/index.js';
import { cgroupHome } from '../packages/rxproc/src/internal/terminate/cgroupHome.js';
import { missingControllers } from '../packages/rxproc/src/internal/terminate/cgroupLimits.js';
import { eventually, isAlive, procInfo } from './support/processes.js';

const home = cgroupHome();
/** Whether this machine lets this process make cgroups (root with a cgroup2 mount, or a delegated subtree). */
const canContain = !('why' in home);

/** Starts a process that leaves an escapee (a `setsid` child, out of its group and session), and gives its pid. */
const ESCAPE = 'setsid sleep 600 & echo $!';
async function escapeeOf(events: ProcessEvent[], checkLeft = true): Promise<number> {
  expect(await eventually(() => events.some((e) => e.type === 'stdout'), 20000)).to.equal(true);
  const pid = Number(
    events
      .filter((e) => e.type === 'stdout')
      .map((e) => e.data.toString())
      .join(''),
  );
  expect(pid).to.be.greaterThan(1);
  // It really left: its own session and group.
  if (checkLeft) expect(await eventually(() => procInfo(pid)?.pgid === pid, 5000), 'the escapee leads its own group').to.equal(true);
  return pid;
}

const cpuOf = (usage: ProcessUsage): number => usage.userCpuMs + usage.systemCpuMs;

/** The run cgroups of this host that still exist. */
const runCgroups = (): string[] => ('why' in home ? [] : readdirSync(home.dir).filter((name) => name.startsWith('run-')));

describe('containment (cgroup v2)', function () {
  this.timeout(30000);

  describe('with a cgroup', function () {
    before(function () {
      if (!canContain) this.skip();
    });

    it('unsubscribing ends a setsid escapee with the rest, and the cgroup is removed', async () => {
      const events: ProcessEvent[] = [];
      let settled = false;
      const subscription = spawn$('sh', ['-c', `${ESCAPE}; exec sleep 600`], { containment: 'cgroup', onSettled: () => (settled = true) }).subscribe((e) =>
        events.push(e),
      );
      const escapee = await escapeeOf(events);
      subscription.unsubscribe();
      expect(await eventually(() => settled, 20000)).to.equal(true);
      expect(isAlive(escapee)).to.equal(false);
      expect(runCgroups()).to.deep.equal([]);
    });

    it('a timeout ends the escapee too (ProcessTimeoutError)', async () => {
      const events: ProcessEvent[] = [];
      let settled = false;
      const run$ = spawn$('sh', ['-c', `${ESCAPE}; exec sleep 600`], { containment: 'cgroup', timeout: 1000, onSettled: () => (settled = true) });
      const done = lastValueFrom(run$.pipe(tap((e) => events.push(e)))).catch((e: unknown) => e);
      // (not checked for leaving its group here: the timeout may already have ended it)
      const escapee = await escapeeOf(events, false);
      expect(await done).to.be.instanceOf(ProcessTimeoutError);
      expect(await eventually(() => settled, 20000)).to.equal(true);
      expect(isAlive(escapee)).to.equal(false);
    });

    it("the process's own end ends what it left in its cgroup, escapee included", async () => {
      const events: ProcessEvent[] = [];
      let settled = false;
      await lastValueFrom(spawn$('sh', ['-c', ESCAPE], { containment: 'cgroup', onSettled: () => (settled = true) }).pipe(tap((e) => events.push(e))));
      const escapee = await escapeeOf(events, false);
      expect(await eventually(() => settled, 20000)).to.equal(true);
      expect(isAlive(escapee)).to.equal(false);
      expect(runCgroups()).to.deep.equal([]);
    });

    it('reports the CPU time of a two-child tree, dead children included, in the exit event and in ProcessExitError', async () => {
      // Each child spins until it has used 300 ms of CPU (not of wall time: it holds under load).
      const spin = `node -e "const t=process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 300000);"`;
      const failed = await lastValueFrom(spawn$('sh', ['-c', `${spin} & ${spin} & wait; exit 3`], { containment: 'cgroup' })).catch((e: unknown) => e);
      expect(failed).to.be.instanceOf(ProcessExitError);
      expect(cpuOf((failed as ProcessExitError).usage!)).to.be.at.least(600);
      const exit = (await lastValueFrom(spawn$('sh', ['-c', `${spin} & ${spin} & wait`], { containment: 'cgroup' }).pipe(toArray()))).find(
        (e): e is ExitEvent => e.type === 'exit',
      )!;
      expect(cpuOf(exit.usage!)).to.be.at.least(600);
      // (and not wildly more: two children of 300 ms and a shell)
      expect(cpuOf(exit.usage!)).to.be.below(3000);
    });

    it('limits where their controllers are not delegated: a SpawnError ENOTSUP naming them, and nothing runs', async function () {
      if (missingControllers((home as { dir: string }).dir, { pids: 10, memoryBytes: 1 << 30 }) === undefined) this.skip();
      let spawned = false;
      const error = await lastValueFrom(
        spawn$('true', { limits: { pids: 10, memoryBytes: 1 << 30 } }).pipe(tap((e) => (spawned ||= e.type === 'spawn'))),
      ).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(SpawnError).with.property('code', 'ENOTSUP');
      expect((error as Error).message).to.match(/limits: .*memory.*pids/);
      expect(spawned).to.equal(false);
      expect(runCgroups()).to.deep.equal([]);
    });

    it('a host killed with SIGKILL: with watchdog: true, the watchdog ends the escapee and removes the cgroup', async () => {
      const dist = resolve(__dirname, '../packages/rxproc/dist/index.js');
      const script = `import(${JSON.stringify(dist)}).then(({ spawn$ }) => {
        spawn$('sh', ['-c', '${ESCAPE}; exec sleep 600'], { containment: 'cgroup', watchdog: true, killTimeout: 300 }).subscribe((e) => {
          if (e.type === 'stdout') console.log(e.data.toString().trim());
        });
      })`;
      const host = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const escapee = Number(await new Promise<string>((done) => host.stdout.once('data', (chunk: Buffer) => done(chunk.toString()))));
      const folder = `${(home as { parent: string }).parent}/rxproc-${host.pid}-`;
      expect(isAlive(escapee)).to.equal(true);
      host.kill('SIGKILL');
      await new Promise((done) => host.on('close', done));
      expect(await eventually(() => !isAlive(escapee), 20000), 'the escapee died with its run').to.equal(true);
      const left = (): string[] =>
        readdirSync((home as { parent: string }).parent).filter((name) => `${(home as { parent: string }).parent}/${name}`.startsWith(folder));
      expect(await eventually(() => left().length === 0, 20000), 'the host folder and its run cgroup are removed').to.equal(true);
    });

    it("'auto' (the default) uses a cgroup here: the exit carries usage", async () => {
      const exit = (await lastValueFrom(spawn$('true').pipe(toArray()))).find((e): e is ExitEvent => e.type === 'exit')!;
      expect(exit.usage).to.have.keys('userCpuMs', 'systemCpuMs');
    });
  });

  it("'group' keeps the process group's behaviour: an escapee is out of reach (and no usage)", async () => {
    const events: ProcessEvent[] = [];
    const subscription = spawn$('sh', ['-c', `${ESCAPE}; exec sleep 600`], { containment: 'group' }).subscribe((e) => events.push(e));
    const escapee = await escapeeOf(events);
    try {
      subscription.unsubscribe();
      expect(await eventually(() => !isAlive(events.find((e) => e.type === 'spawn')!.pid), 20000)).to.equal(true);
      expect(isAlive(escapee), 'the escapee outlived its group').to.equal(true);
    } finally {
      process.kill(escapee, 'SIGKILL');
      await eventually(() => !isAlive(escapee), 5000);
    }
    const exit = (await lastValueFrom(spawn$('true', { containment: 'group' }).pipe(toArray()))).find((e): e is ExitEvent => e.type === 'exit')!;
    expect(exit).to.not.have.property('usage');
  });

  it('bad values are a TypeError at call time; cgroup and limits are refused with host, limits with group', () => {
    expect(() => spawn$('true', { containment: 'jail' as never })).to.throw(TypeError, /containment/);
    expect(() => spawn$('true', { limits: { pids: 0 } })).to.throw(TypeError, /limits\.pids/);
    expect(() => spawn$('true', { limits: { memoryBytes: 1.5 } })).to.throw(TypeError, /limits\.memoryBytes/);
    expect(() => spawn$('true', { limits: { cpu: Infinity } })).to.throw(TypeError, /limits\.cpu/);
    expect(() => spawn$('true', { limits: { disk: 1 } as never })).to.throw(TypeError, /limits.*unknow.*disk/);
    expect(() => spawn$('true', { limits: 5 as never })).to.throw(TypeError, /limits/);
    expect(() => spawn$('true', { containment: 'group', limits: { pids: 5 } })).to.throw(TypeError, /needs a cgroup/);
    expect(() => spawn$('true', { host: 'web1', containment: 'cgroup' })).to.throw(TypeError, /containment 'cgroup' is for a process on this machine/);
    expect(() => spawn$('true', { host: 'web1', limits: { pids: 5 } })).to.throw(TypeError, /cannot be used with "host"/);
    expect(() => spawn$('true', { host: 'web1', containment: 'auto' })).to.not.throw();
  });

  it("without a cgroup to be had (another user, no delegation), 'cgroup' fails with SpawnError ENOTSUP saying why and how to delegate; 'auto' falls back to the group", function () {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip();
    const dist = resolve(__dirname, '../packages/rxproc/dist/index.js');
    const script = `import(${JSON.stringify(dist)}).then(({ spawn$ }) => {
      spawn$('true', { containment: 'cgroup' }).subscribe({ error: (e) => console.log(JSON.stringify({ code: e.code, message: e.message })) });
      spawn$('true').subscribe((e) => e.type === 'exit' && console.log(JSON.stringify({ auto: e.exitCode, usage: e.usage ?? null })));
    })`;
    const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], {
      encoding: 'utf8',
      timeout: 20000,
    });
    const said = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = said.find((line) => line.code !== undefined)!;
    expect(failure.code).to.equal('ENOTSUP');
    expect(failure.message).to.match(/containment 'cgroup': no cgroup can be made here: .*EACCES.*Delegate=yes/);
    expect(said.find((line) => line.auto !== undefined)).to.deep.equal({ auto: 0, usage: null });
  });
});
