import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from '../../../support/processes.js';
import { newControlId } from '../../../../packages/rxproc/src/internal/remote/wrapper/remoteCommand.js';
import { stopCommand, WRAPPER_GONE } from '../../../../packages/rxproc/src/internal/remote/wrapper/stopCommand.js';

/** A stand-in for a wrapper: its argv is `name`, and it prints `urg` on SIGURG (default: ignored). */
function target(name: string): Promise<{ child: ChildProcess; said: () => string }> {
  const child = spawn('sh', ['-c', "trap 'echo urg' URG; echo up; while :; do sleep 0.02; done", name], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (data: Buffer) => (text += data.toString()));
  return new Promise((ready) => child.stdout.once('data', () => ready({ child, said: () => text })));
}

/** Runs the command as the remote login shell would (it is one `sh -c` string). */
const run = (command: string): number | null => spawnSync('sh', ['-c', command], { stdio: 'ignore' }).status;

describe('internal/remote/wrapper/stopCommand: the stop request never signals a process that is not the run’s wrapper', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  for (const form of ['rxproc-ctl-ID', 'rxproc-wrap ID']) {
    it(`sends SIGURG to the pid whose argv holds the run's id (${form.replace('ID', '<id>')}), and exits 0`, async () => {
      const id = newControlId();
      const { child, said } = await target(form.replace('ID', id));
      children.push(child);
      expect(run(stopCommand(child.pid!, id))).to.equal(0);
      expect(await eventually(() => said().includes('urg'), 10_000)).to.equal(true);
    });
  }

  it('leaves alone a pid that another process holds (another id, or no wrapper at all), and says the wrapper is gone', async () => {
    const other = await target(`rxproc-ctl-${newControlId()}`);
    const plain = await target('some-daemon');
    children.push(other.child, plain.child);
    const id = newControlId();
    expect(run(stopCommand(other.child.pid!, id))).to.equal(WRAPPER_GONE);
    expect(run(stopCommand(plain.child.pid!, id))).to.equal(WRAPPER_GONE);
    // That status comes only from the branch that sends nothing; both are still running, unsignalled.
    expect([other.child, plain.child].every((child) => child.exitCode === null && child.signalCode === null)).to.equal(true);
  });

  it('says the wrapper is gone for a pid nobody holds', () => {
    const { pid } = spawnSync('true');
    expect(run(stopCommand(pid, newControlId()))).to.equal(WRAPPER_GONE);
  });

  it('refuses a target it could not name safely', () => {
    for (const [pid, id] of [
      [0, newControlId()],
      [1, newControlId()],
      [1.5, newControlId()],
      [123, 'x'],
      [123, `${newControlId()}; rm -rf /`],
    ] as const) {
      expect(() => stopCommand(pid, id)).to.throw(RangeError);
    }
  });
});
