import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcSnapshot } from '../../packages/cli/src/procSnapshot.js';
import { readProcStat } from '../../packages/cli/src/procStat.js';
import { TaskUsage } from '../../packages/cli/src/taskUsage.js';
import { UsageMeter } from '../../packages/cli/src/usageMeter.js';
import { FakeProc } from './fakeProc.js';

// The accounting rules on a made-up /proc, one step at a time (100 ticks a second: 1 tick = 10 ms).
describe('TaskUsage (the accounting, on a made-up /proc)', () => {
  let proc: FakeProc;
  let meter: UsageMeter;
  beforeEach(() => {
    proc = new FakeProc();
    proc.set(1, { ppid: 0, pgid: 1, utime: 9999 }); // init: never anyone's member
    meter = new UsageMeter({ procRoot: proc.root, clockTicks: 100, pageSize: 4096 });
  });
  afterEach(() => proc.cleanup());

  const cpu = (task = 'api'): number => meter.usageOf(task)!.cpuMs;

  it('a child reaped by its tree parent is counted once (through the parent cutime)', () => {
    proc.set(100, { ppid: 1, pgid: 100, utime: 10 });
    meter.track('api', 100);
    proc.set(101, { ppid: 100, pgid: 100, utime: 30, stime: 20 });
    meter.sample();
    expect(cpu()).to.equal(600);
    // The child ends (with 5 more ticks) and the root waits for it: its total moves to the root's cutime.
    proc.remove(101);
    proc.set(100, { ppid: 1, pgid: 100, utime: 10, cutime: 40, cstime: 15 });
    meter.sample();
    expect(cpu()).to.equal(650);
  });

  it('a zombie still counts as itself; once the root is reaped by rxproc its last total is kept', () => {
    proc.set(100, { ppid: 1, pgid: 100, utime: 10 });
    meter.track('api', 100);
    proc.set(100, { ppid: 1, pgid: 100, utime: 20, cutime: 5, state: 'Z' });
    meter.sample();
    expect(cpu()).to.equal(250);
    proc.remove(100);
    meter.sample();
    expect(cpu()).to.equal(250);
    expect(meter.usageOf('api')!.memoryBytes).to.equal(0);
    // Another run of the task adds to it.
    proc.set(200, { ppid: 1, pgid: 200, utime: 3 });
    meter.track('api', 200);
    meter.sample();
    expect(cpu()).to.equal(280);
  });

  it('an orphan of the group stays a member; its own children count, and so does one that called setsid', () => {
    proc.set(100, { ppid: 1, pgid: 100, utime: 1 });
    meter.track('api', 100);
    proc.set(101, { ppid: 100, pgid: 100, utime: 2 });
    proc.set(102, { ppid: 101, pgid: 102, utime: 4 }); // setsid: its own group, counted as 101's child
    proc.set(103, { ppid: 1, pgid: 103, utime: 50 }); // unrelated
    meter.sample();
    expect(cpu()).to.equal(70);
    // The root ends (reaped by rxproc): 101 is re-parented to init but still in the group.
    proc.remove(100);
    proc.set(101, { ppid: 1, pgid: 100, utime: 3 });
    proc.set(102, { ppid: 101, pgid: 102, utime: 6 });
    meter.sample();
    expect(cpu()).to.equal(10 + 30 + 60);
    // 101 ends too (reaped by init): 102 is orphaned outside the tree; what it had is kept, what follows is not its task's.
    proc.remove(101);
    proc.set(102, { ppid: 1, pgid: 102, utime: 7 });
    meter.sample();
    expect(cpu()).to.equal(10 + 30 + 60);
    proc.set(102, { ppid: 1, pgid: 102, utime: 500 });
    meter.sample();
    expect(cpu()).to.equal(100);
  });

  it('a root pid reused by an unrelated process (a later start time) is not the task', () => {
    proc.set(100, { ppid: 1, pgid: 100, utime: 10, start: 5000, rss: 10 });
    meter.track('api', 100);
    meter.sample();
    proc.set(100, { ppid: 1, pgid: 100, utime: 700, start: 9000, rss: 50000 });
    proc.set(150, { ppid: 100, pgid: 100, utime: 700, start: 9001, rss: 50000 }); // its group, its child: not ours either
    meter.sample();
    expect(meter.usageOf('api')).to.deep.equal({ cpuMs: 100, memoryBytes: 0, peakMemoryBytes: 10 * 4096 });
  });

  it('after the root, its group id counts only the members already known (the id may be reused)', () => {
    proc.set(100, { ppid: 1, pgid: 100, utime: 1 });
    meter.track('api', 100);
    proc.set(101, { ppid: 100, pgid: 100, utime: 1 });
    meter.sample();
    proc.remove(100);
    proc.set(101, { ppid: 1, pgid: 100, utime: 1 });
    proc.set(120, { ppid: 1, pgid: 100, utime: 900 }); // new to the group after the root: another's
    meter.sample();
    expect(cpu()).to.equal(20);
  });

  it('a child read before its parent and reaped before the parent was read is counted once', () => {
    const usage = new TaskUsage(proc.root, () => ({ clockTicks: 100, pageSize: 4096 }));
    proc.set(100, { ppid: 1, pgid: 100, utime: 1 });
    usage.track(readProcStat(proc.root, 100));
    // What such a pass reads (a lower pid is read first): the child alive, and the parent's cutime holding it.
    proc.set(50, { ppid: 100, pgid: 100, utime: 30 });
    proc.set(100, { ppid: 1, pgid: 100, utime: 1, cutime: 30 });
    const snapshot = ProcSnapshot.read(proc.root);
    expect(snapshot.readBefore(50, 100)).to.equal(true);
    proc.remove(50);
    usage.update(snapshot);
    expect(usage.figures().cpuMs).to.equal(310);
  });

  it('memory: the live sum of RSS; the peak is the largest sum and never below a member VmHWM', () => {
    proc.set(100, { ppid: 1, pgid: 100, rss: 100, hwmKb: 100 });
    meter.track('api', 100);
    proc.set(101, { ppid: 100, pgid: 100, rss: 200, hwmKb: 5000 });
    meter.sample();
    expect(meter.usageOf('api')).to.deep.equal({ cpuMs: 0, memoryBytes: 300 * 4096, peakMemoryBytes: 5000 * 1024 });
    proc.set(101, { ppid: 100, pgid: 100, rss: 2000, hwmKb: 5000 });
    meter.sample();
    expect(meter.usageOf('api')).to.deep.equal({ cpuMs: 0, memoryBytes: 2100 * 4096, peakMemoryBytes: 2100 * 4096 });
    proc.remove(101);
    proc.remove(100);
    meter.sample();
    expect(meter.usageOf('api')).to.deep.equal({ cpuMs: 0, memoryBytes: 0, peakMemoryBytes: 2100 * 4096 });
  });

  it('cpuMs never goes down; tasks are apart; an untracked task is undefined', () => {
    proc.set(100, { ppid: 1, pgid: 100, utime: 50 });
    proc.set(300, { ppid: 1, pgid: 300, utime: 7 });
    meter.track('api', 100);
    meter.track('db', 300);
    meter.track('db', 300); // twice: one root
    meter.sample();
    proc.set(100, { ppid: 1, pgid: 100, utime: 40 });
    meter.sample();
    expect(cpu()).to.equal(500);
    expect(cpu('db')).to.equal(70);
    expect(meter.usageOf('web')).to.equal(undefined);
  });

  it('a pid gone before track() gives zero figures; a folder without stat or a stray entry does not throw', () => {
    meter.track('api', 4242);
    expect(meter.usageOf('api')).to.deep.equal({ cpuMs: 0, memoryBytes: 0, peakMemoryBytes: 0 });
    proc.set(100, { ppid: 1, pgid: 100, utime: 1 });
    meter.track('api', 100);
    mkdirSync(join(proc.root, '101'));
    writeFileSync(join(proc.root, 'self'), 'x');
    proc.set(102, { ppid: 100, pgid: 100, utime: 1 });
    writeFileSync(join(proc.root, '102', 'stat'), 'torn');
    expect(() => meter.sample()).not.to.throw();
    expect(cpu()).to.equal(10);
  });

  it('is not available without a readable /proc: every call a no-op', () => {
    const none = new UsageMeter({ procRoot: join(proc.root, 'nothing') });
    expect(none.available).to.equal(false);
    none.track('api', process.pid);
    none.sample();
    expect(none.usageOf('api')).to.equal(undefined);
    none.start(10)();
    expect(() => meter.start(0)).to.throw(TypeError);
  });
});
