import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcStat, procUnits, readPeakRssBytes, readProcStat } from '../../packages/cli/src/procStat.js';
import { FakeProc, statLine } from './fakeProc.js';

describe('procStat', () => {
  let proc: FakeProc;
  beforeEach(() => (proc = new FakeProc()));
  afterEach(() => proc.cleanup());

  it('reads the fields after the LAST ")" (a command name may hold spaces and parentheses)', () => {
    const text = statLine(42, { comm: 'a) b (c) 1 2 3', ppid: 7, pgid: 42, utime: 5, stime: 6, cutime: 7, cstime: 8, start: 123456, rss: 99, state: 'R' });
    expect(parseProcStat(42, text)).to.deep.equal({ pid: 42, state: 'R', ppid: 7, pgid: 42, ownTicks: 11, childTicks: 15, startTime: '123456', rssPages: 99 });
  });

  it('parses a real stat file (this process)', () => {
    const stat = readProcStat('/proc', process.pid)!;
    expect(stat.pid).to.equal(process.pid);
    expect(stat.ppid).to.equal(process.ppid);
    expect(stat.rssPages).to.be.greaterThan(0);
    expect(stat.ownTicks).to.be.at.least(0);
    expect(stat.startTime).to.match(/^\d+$/);
  });

  it('gives undefined for what is not a stat line, and for a process that is gone', () => {
    expect(parseProcStat(1, '')).to.equal(undefined);
    expect(parseProcStat(1, '1 (sh) S 0 1')).to.equal(undefined);
    expect(parseProcStat(1, statLine(1, { ppid: 0, pgid: 1 }).replace(' 1000 ', ' x '))).to.equal(undefined);
    expect(readProcStat(proc.root, 12345)).to.equal(undefined);
    mkdirSync(join(proc.root, '777'));
    expect(readProcStat(proc.root, 777), 'folder without stat').to.equal(undefined);
  });

  it('reads VmHWM in bytes, 0 when absent or gone', () => {
    proc.set(5, { ppid: 1, pgid: 5, hwmKb: 2048 });
    proc.set(6, { ppid: 1, pgid: 6 });
    expect(readPeakRssBytes(proc.root, 5)).to.equal(2048 * 1024);
    expect(readPeakRssBytes(proc.root, 6)).to.equal(0);
    expect(readPeakRssBytes(proc.root, 7)).to.equal(0);
    expect(readPeakRssBytes('/proc', process.pid)).to.be.greaterThan(1e6);
    writeFileSync(join(proc.root, '6', 'status'), 'garbage');
    expect(readPeakRssBytes(proc.root, 6)).to.equal(0);
  });

  it("knows the clock ticks and the page size, from the kernel's auxiliary vector: as getconf says them", () => {
    const units = procUnits();
    const getconf = (name: string): number => Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    expect(units).to.deep.equal({ clockTicks: getconf('CLK_TCK'), pageSize: getconf('PAGESIZE') });
    expect(procUnits()).to.equal(units);
  });
});
