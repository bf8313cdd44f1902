import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { lastValueFrom } from 'rxjs';
import { collectOutput, lines, pipeTo, ProcessExitError, spawn$, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';
import { useSshd } from '../support/sshd.js';
import { toArray } from 'rxjs';

describe('remote: pipelines that mix hosts', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  it('remote | local: cat on the host, gzip here, byte-exact', async () => {
    const data = randomBytes(300_000);
    const result = await lastValueFrom(spawn$('cat', [], { host: host(), stdin: data }).pipe(pipeTo('gzip', ['-c']), collectOutput({ encoding: 'buffer' })));
    expect(gunzipSync(result.stdout).equals(data)).to.equal(true);
  });

  it('local | remote | remote: printf here, sort and uniq there', async () => {
    const sorted = await lastValueFrom(
      spawn$('printf', ['b\\na\\nb\\nc\\n']).pipe(
        pipeTo('sort', [], { host: host() }),
        pipeTo('uniq', [], { host: host({ multiplex: false }) }),
        lines(),
        toArray(),
      ),
    );
    expect(sorted).to.deep.equal(['a', 'b', 'c']);
  });

  it('pipefail holds across hosts: a failing remote stage fails the pipeline with its own error', async () => {
    const { error } = await outcome(spawn$('sh', ['-c', 'echo x; exit 4'], { host: host() }).pipe(pipeTo('cat')));
    expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 4, host: 'rxproc-test-host' });
  });

  it('yes | head over ssh: the remote writer is stopped when the local reader is done, and the pipeline succeeds', async () => {
    const result = await lastValueFrom(spawn$('yes', [], { host: host() }).pipe(pipeTo('head', ['-n', '3']), collectOutput()));
    expect(result.stdout).to.equal('y\ny\ny\n');
  });
});
