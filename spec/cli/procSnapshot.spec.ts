import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcSnapshot } from '../../packages/cli/src/procSnapshot.js';
import { FakeProc } from './fakeProc.js';

describe('ProcSnapshot', () => {
  let proc: FakeProc;
  beforeEach(() => (proc = new FakeProc()));
  afterEach(() => proc.cleanup());

  it('reads every process in pid order, indexed by parent and by group; skips what is not a readable process', () => {
    proc.set(30, { ppid: 1, pgid: 30 });
    proc.set(4, { ppid: 30, pgid: 30 });
    proc.set(200, { ppid: 30, pgid: 200 });
    mkdirSync(join(proc.root, '7')); // listed, gone before its stat was read
    writeFileSync(join(proc.root, 'uptime'), '1 1');
    const snapshot = ProcSnapshot.read(proc.root);
    expect([...snapshot.stats.keys()]).to.deep.equal([4, 30, 200]);
    expect(snapshot.childrenOf(30)).to.deep.equal([4, 200]);
    expect(snapshot.groupOf(30)).to.deep.equal([4, 30]);
    expect(snapshot.childrenOf(99)).to.deep.equal([]);
    expect(snapshot.readBefore(4, 30)).to.equal(true);
    expect(snapshot.readBefore(200, 30)).to.equal(false);
  });

  it('tells whether a process read is still there (a reused pid is not)', () => {
    proc.set(5, { ppid: 1, pgid: 5, start: 10 });
    proc.set(6, { ppid: 1, pgid: 6, start: 10 });
    const snapshot = ProcSnapshot.read(proc.root);
    proc.remove(5);
    proc.set(6, { ppid: 1, pgid: 6, start: 99 });
    expect(snapshot.stillThere(5)).to.equal(false);
    expect(snapshot.stillThere(6)).to.equal(false);
    proc.set(5, { ppid: 1, pgid: 5, start: 10 });
    expect(snapshot.stillThere(5)).to.equal(true);
  });

  it('is empty, without throwing, when the folder cannot be read', () => {
    expect(ProcSnapshot.read(join(proc.root, 'missing')).stats.size).to.equal(0);
  });
});
