import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterIo, ioTimeout } from '../../../packages/rxproc/src/internal/io/ioTimeout.js';

describe('ioTimeout', () => {
  it('runs the callback after the delay and one more poll; cancelled, never', async () => {
    const calls: string[] = [];
    ioTimeout(1, () => calls.push('ran'));
    const cancel = ioTimeout(1, () => calls.push('cancelled'));
    cancel();
    cancel();
    await new Promise<void>((done) => ioTimeout(5, done));
    await afterIo();
    expect(calls).to.deep.equal(['ran']);
  });

  it('unref: runs on time while the loop waits only for a handle with no events (a child that ignores its signal)', () => {
    // A bare host whose loop has nothing but a silent child: an unref'd immediate after the timer would let
    // the poll block until that child exits, so "child exited" would come first. (Uses the build: npm test builds.)
    const module = pathToFileURL(resolve(__dirname, '../../../packages/rxproc/dist/internal/io/ioTimeout.js')).href;
    const script = `
      import { spawn } from 'node:child_process';
      import { ioTimeout } from ${JSON.stringify(module)};
      const child = spawn('sleep', ['10'], { stdio: 'ignore' });
      child.on('exit', () => console.log('child exited'));
      ioTimeout(20, () => { console.log('ran'); child.kill('SIGKILL'); }, true);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.split('\n').filter(Boolean)).to.deep.equal(['ran', 'child exited']);
  });
});
