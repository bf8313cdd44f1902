import { expect } from 'chai';
import { cmd$, ProcessExitError, spawn$, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { useSshd } from '../support/sshd.js';

// cmd$ and the Promise methods keep the contract on a remote host (the host option).
describe('remote: cmd$ and text(), output(), exitCode() over ssh', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (): RemoteHost => sshd().host;

  it('cmd$ with a host: each ${} reaches the remote program as exactly one argument', async () => {
    const awkward = ['', 'a b', "it's", '"q"', '$HOME', '`id`', '*', 'line\nbreak', 'ünï 🚀', ';&&|'];
    const result = await cmd$({ host: host() })`printf ${'%s\\0'} ${awkward}`.output();
    expect(result.stdout.split('\0').slice(0, -1)).to.deep.equal(awkward);
  });

  it('text() and output() resolve with the remote output; exitCode() with a failing remote code', async () => {
    expect(await spawn$('sh', ['-c', 'printf "remote\\n"'], { host: host() }).text()).to.equal('remote');
    expect(await spawn$('sh', ['-c', 'echo err >&2'], { host: host() }).output()).to.include({ stdout: '', stderr: 'err\n', exitCode: 0 });
    expect(await spawn$('sh', ['-c', 'exit 7'], { host: host() }).exitCode()).to.equal(7);
  });

  it('a remote failure rejects text(); a remote signal rejects exitCode()', async () => {
    const failed = await spawn$('sh', ['-c', 'echo oops >&2; exit 3'], { host: host() })
      .text()
      .catch((err: unknown) => err);
    expect(failed).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 3, stderr: 'oops\n' });
    const killed = await spawn$('sh', ['-c', 'kill -TERM $$'], { host: host() })
      .exitCode()
      .catch((err: unknown) => err);
    expect(killed).to.be.instanceOf(ProcessExitError).and.include({ signal: 'SIGTERM', exitCode: null });
  });
});
