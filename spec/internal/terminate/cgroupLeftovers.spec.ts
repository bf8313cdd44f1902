import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostCgroupName, removeLeftoverCgroups } from '../../../packages/rxproc/src/internal/terminate/cgroupLeftovers.js';
import { populated, startEscapee, useSpecParent } from '../../support/cgroups.js';

/** Field 22 of /proc/PID/stat: the start time in clock ticks since boot. */
const startTime = (pid: number | 'self'): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

/** The pid of a process that has ended (and was reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

describe('cgroupLeftovers: hostCgroupName', () => {
  it('is rxproc-<pid>-<start time of this process>', function () {
    if (!existsSync('/proc/self/stat')) this.skip();
    expect(hostCgroupName()).to.equal(`rxproc-${process.pid}-${startTime('self')}`);
  });
});

describe('cgroupLeftovers: removeLeftoverCgroups', function () {
  this.timeout(30000);
  let parent = '';
  const specParent = useSpecParent();
  beforeEach(() => (parent = specParent()));

  const make = (...paths: string[]): void => paths.forEach((path) => mkdirSync(`${parent}/${path}`, { recursive: true }));
  const exists = (path: string): boolean => existsSync(`${parent}/${path}`);

  it("removes a dead host's empty run cgroups, then its folder", async () => {
    const host = `rxproc-${await deadPid()}-1`;
    make(`${host}/run-1`, `${host}/run-2`);
    expect(removeLeftoverCgroups(parent)).to.equal(3);
    expect(exists(host)).to.equal(false);
  });

  it("counts as dead a live pid that started at another time (a later process got the host's pid)", () => {
    const host = `rxproc-${process.pid}-${Number(startTime('self')) + 1}`;
    make(`${host}/run-1`);
    expect(removeLeftoverCgroups(parent)).to.equal(2);
    expect(exists(host)).to.equal(false);
  });

  it("leaves a dead host's populated run cgroup (and so its folder) alone, removing the empty one beside it", async () => {
    const host = `rxproc-${await deadPid()}-1`;
    make(`${host}/run-2`);
    const child = await startEscapee(`${parent}/${host}/run-1`);
    expect(removeLeftoverCgroups(parent)).to.equal(1);
    expect(populated(`${parent}/${host}/run-1`)).to.equal(true);
    expect(exists(`${host}/run-2`)).to.equal(false);
    child.kill('SIGKILL');
  });

  it("leaves a live host's folder alone, empty runs included (this process's own)", () => {
    make(`${hostCgroupName()}/run-1`);
    expect(removeLeftoverCgroups(parent)).to.equal(0);
    expect(exists(`${hostCgroupName()}/run-1`)).to.equal(true);
  });

  it('never touches a name outside the pattern', async () => {
    const dead = await deadPid();
    const others = [`rxproc-${dead}`, `rxproc-${dead}-1-2`, `rxproc-spec-${dead}-1`, `other-${dead}-1`, `rxproc-x${dead}-1`];
    make(...others.map((name) => `${name}/run-1`), `rxproc-${dead}-1/sub`, `rxproc-${dead}-1/run-x`);
    expect(removeLeftoverCgroups(parent)).to.equal(0);
    for (const name of others) expect(exists(`${name}/run-1`), name).to.equal(true);
    expect(exists(`rxproc-${dead}-1/sub`) && exists(`rxproc-${dead}-1/run-x`)).to.equal(true);
  });

  it('returns 0 for a parent that cannot be read', () => {
    expect(removeLeftoverCgroups(`${parent}/missing`)).to.equal(0);
  });
});
