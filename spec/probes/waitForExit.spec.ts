import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { ProbeFailedError, spawn$, waitForExit } from '../../packages/rxproc/src/index.js';

describe('waitForExit', () => {
  it('runs the process again until it exits 0 (a file that appears later)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-probe-'));
    const flag = join(dir, 'up');
    // Each run counts itself, and the third creates the file the fourth finds.
    const line = `echo x >> ${dir}/runs; [ $(wc -l < ${dir}/runs) -ge 3 ] && touch ${flag}; test -e ${flag}`;
    const result = await lastValueFrom(waitForExit(spawn$('sh', ['-c', line]), { interval: 10 }));
    expect(result).to.include({ probe: 'exec', attempts: 3, result: 'exit code 0' });
    expect(result.target).to.equal(`sh -c '${line}'`);
  });

  it('errors with how the last run ended', async () => {
    const error = await lastValueFrom(waitForExit(spawn$('sh', ['-c', 'exit 3']), { attempts: 2, interval: 0 })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProbeFailedError).and.include({ probe: 'exec', reason: 'attempts', attempts: 2, lastResult: 'exit code 3' });
    expect((error as Error).message).to.match(/^exec probe of sh -c 'exit 3' failed 2 attempts in \d+ ms; last: exit code 3$/);
    const missing = await lastValueFrom(waitForExit(spawn$('rxproc-no-such-command'), { attempts: 1 })).catch((e: unknown) => e);
    expect(missing).to.include({ lastResult: 'failed to start (ENOENT)' });
  });

  it('stops a run that outlasts timeout (its process is gone after the probe)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-probe-'));
    const error = await lastValueFrom(waitForExit(spawn$('sh', ['-c', `echo $$ > ${dir}/pid; exec sleep 60`]), { timeout: 200, attempts: 1 })).catch(
      (e: unknown) => e,
    );
    expect(error).to.include({ lastResult: 'timed out after 200 ms' });
    // hooks.ts fails the test if the sleep outlives it.
  });

  it('checks its argument at call time', () => {
    expect(() => waitForExit('ls' as never)).to.throw(TypeError, /waitForExit: expected a process Observable/);
    expect(() => waitForExit(spawn$('true'), { timeout: -1 })).to.throw(TypeError, /waitForExit: option "timeout"/);
  });
});
