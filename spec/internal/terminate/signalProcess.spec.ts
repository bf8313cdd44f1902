import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { signalProcess } from '../../../packages/rxproc/src/internal/terminate/signalProcess.js';

/** What `process.kill` says of the same target: the answer the fast probe must give. */
function reference(pid: number): string {
  try {
    process.kill(pid, 0);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'denied' : 'gone';
  }
}

describe('internal/terminate/signalProcess', () => {
  it('a probe (signal 0) answers as process.kill does, without throwing: a live process and group, a gone one', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await once(child, 'spawn');
    const gone = spawnSync('true').pid;
    try {
      for (const pid of [child.pid!, -child.pid!, gone, -gone, process.pid]) {
        expect(signalProcess(pid, 0), `pid ${pid}`).to.equal(reference(pid));
      }
      expect(signalProcess(-child.pid!, 0)).to.equal('sent');
      expect(signalProcess(-gone, 0)).to.equal('gone');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(signalProcess(-child.pid!, 0)).to.equal('gone');
  });

  it('a real signal goes through process.kill (so the host, and a spy, see it) and reaches the process', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await once(child, 'spawn');
    const seen: Array<[number, unknown]> = [];
    const original = process.kill;
    process.kill = (pid: number, signal?: string | number) => {
      seen.push([pid, signal]);
      return original.call(process, pid, signal);
    };
    try {
      expect(signalProcess(-child.pid!, 'SIGTERM')).to.equal('sent');
    } finally {
      process.kill = original;
    }
    expect(seen).to.deep.equal([[-child.pid!, 'SIGTERM']]);
    const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(signal).to.equal('SIGTERM');
  });
});
