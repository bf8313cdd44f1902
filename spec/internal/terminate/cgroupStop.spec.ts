import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { CGROUP_STOP_SH, isRunCgroupPath } from '../../../packages/rxproc/src/internal/terminate/cgroupStop.js';
import { GROUP_STOP_SH } from '../../../packages/rxproc/src/internal/terminate/groupMembers.js';
import { REAPER_SCRIPT } from '../../../packages/rxproc/src/internal/terminate/registry.js';
import { guardCgroup, WATCHDOG_SCRIPT } from '../../../packages/rxproc/src/internal/terminate/watchdog.js';
import { populated, procsOf, startEscapee, useSpecParent } from '../../support/cgroups.js';
import { eventually, isAlive } from '../../support/processes.js';

const GOOD = ['/sys/fs/cgroup/unified/rxproc-12-345/run-1', '/sys/fs/cgroup/user.slice/user@0.service/app-x_y.slice/rxproc-1-2/run-30'];
const BAD = [
  'sys/fs/cgroup/rxproc-1-2/run-3', // relative
  '/rxproc-1-2/run-3', // nothing above the host folder
  '/a/../rxproc-1-2/run-3',
  '/a/./rxproc-1-2/run-3',
  '/a//rxproc-1-2/run-3',
  '/a/rxproc-1/run-3', // no start time
  '/a/rxproc-1-2-3/run-3',
  '/a/rxproc-x-2/run-3',
  '/a/rxproc-1-2/run-',
  '/a/rxproc-1-2/run-3x',
  '/a/rxproc-1-2/run-3/',
  '/a/rxproc-1-2/sub',
  '/a b/rxproc-1-2/run-3',
  '/a*/rxproc-1-2/run-3',
  "/a'$(touch x)/rxproc-1-2/run-3",
  '/a\\x2d/rxproc-1-2/run-3',
  '/a/rxproc-1-2/run-3\n+ 1 0',
  // A pattern must not match across components: the spec folders themselves are named rxproc-spec-…
  '/a/rxproc-spec-1/rxproc-7/run-1',
  '/a/rxproc-1-2/run-3/rxproc-7/run-1',
  '/a/rxproc-b/run-c/rxproc-7-8/12',
  '/a/rxproc-7-8/run-1/sub',
];

/** What the shell's `rxp_cgok` says of each path: true for accepted. */
function shellAccepts(paths: readonly string[]): boolean[] {
  const script = `${GROUP_STOP_SH}${CGROUP_STOP_SH}\nfor p; do rxp_cgok "$p" && echo 1 || echo 0; done`;
  const out = spawnSync('/bin/sh', ['-c', script, 'rxp_cgok', ...paths], { encoding: 'utf8' }).stdout;
  return out
    .trim()
    .split('\n')
    .map((line) => line === '1');
}

describe('cgroupStop: which paths the watchdog and the reaper accept', () => {
  it('accepts absolute <...>/rxproc-<pid>-<starttime>/run-<n> paths in a safe alphabet only', () => {
    expect(GOOD.filter(isRunCgroupPath)).to.deep.equal(GOOD);
    expect(BAD.filter(isRunCgroupPath)).to.deep.equal([]);
  });

  it('the shell (rxp_cgok) agrees with isRunCgroupPath on each of them', () => {
    const paths = [...GOOD, ...BAD];
    expect(shellAccepts(paths)).to.deep.equal(paths.map(isRunCgroupPath));
  });

  it('guardCgroup throws a TypeError for a path it refuses (a newline would inject a line)', () => {
    for (const path of BAD) expect(() => guardCgroup(path, 0), JSON.stringify(path)).to.throw(TypeError);
  });
});

describe('cgroupStop: the shell refuses bad paths (no signal, cgroup.kill or rmdir outside the pattern)', function () {
  this.timeout(30000);
  let parent = '';
  const specParent = useSpecParent();
  beforeEach(() => (parent = specParent()));

  /** Real populated cgroups that bad paths name (or reach through `..`). */
  async function victims(): Promise<{ paths: string[]; cgroups: string[]; children: ChildProcess[] }> {
    const cgroups = [`${parent}/rxproc-7/run-1`, `${parent}/rxproc-7-8/sub`, `${parent}/my dir/rxproc-7-8/run-1`, `${parent}/rxproc-7-8/run-2`];
    mkdirSync(`${parent}/a/rxproc-7-8/run-2`, { recursive: true });
    const children = await Promise.all(cgroups.map((cgroup) => startEscapee(cgroup)));
    // The last one is only reached through `..`; the escapees' sh exec'd sleep, so each pid stays the same.
    const paths = [...cgroups.slice(0, 3), `${parent}/a/../rxproc-7-8/run-2`];
    return { paths, cgroups, children };
  }

  const untouched = (cgroups: string[], children: ChildProcess[]): void => {
    for (const cgroup of cgroups) expect(populated(cgroup), cgroup).to.equal(true);
    expect(children.every((child) => isAlive(child.pid!))).to.equal(true);
    expect(existsSync(`${parent}/a/rxproc-7-8/run-2`)).to.equal(true);
  };

  it('the watchdog ignores "c+" lines with such paths', async () => {
    const { paths, cgroups, children } = await victims();
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.stdin.end(paths.map((path) => `c+ 0 ${path}\n`).join(''));
    expect(await eventually(() => watchdog.exitCode !== null, 15000), 'the watchdog is done').to.equal(true);
    untouched(cgroups, children);
  });

  it('the reaper ignores "cg:PATH MS" arguments with such paths', async () => {
    const { paths, cgroups, children } = await victims();
    const reaper = spawn('/bin/sh', ['-c', REAPER_SCRIPT, 'rxproc-reaper', ...paths.flatMap((path) => [`cg:${path}`, '0'])], { stdio: 'ignore' });
    expect(await eventually(() => reaper.exitCode !== null, 15000), 'the reaper is done').to.equal(true);
    untouched(cgroups, children);
  });

  it('skips a path that is not a cgroup any more, and takes a good one on the same list', async () => {
    const gone = `${parent}/rxproc-7-8/run-9`;
    const good = `${parent}/rxproc-7-8/run-1`;
    const child = await startEscapee(good);
    const reaper = spawn('/bin/sh', ['-c', REAPER_SCRIPT, 'rxproc-reaper', `cg:${gone}`, '0', `cg:${good}`, '0'], { stdio: 'ignore' });
    expect(await eventually(() => reaper.exitCode !== null, 15000), 'the reaper is done').to.equal(true);
    expect(existsSync(gone), 'nothing was made').to.equal(false);
    expect(isAlive(child.pid!) || procsOf(good).length > 0, 'the good one was ended').to.equal(false);
    expect(existsSync(good), 'and removed').to.equal(false);
  });
});
