import { expect } from 'chai';
import { lastValueFrom } from 'rxjs';
import { collectOutput, pipeTo, spawn$, type ProcessEvent, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { outcome, output } from '../support/outcome.js';
import { useSshd } from '../support/sshd.js';

describe('remote: pipeTo from stderr, and every stage of a pipeline', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (): RemoteHost => sshd().host;
  const OUT_AND_ERR = ['-c', 'echo out; echo err >&2'];

  it("from: 'stderr' on a remote upstream reads its stderr (through JavaScript)", async () => {
    const result = await lastValueFrom(spawn$('sh', OUT_AND_ERR, { host: host() }).pipe(pipeTo('cat', { from: 'stderr' }), collectOutput()));
    expect(result.stdout).to.equal('err\n');
    expect(result.stderr).to.equal('');
  });

  it("from: 'all' on a remote upstream reads both", async () => {
    const result = await lastValueFrom(spawn$('sh', OUT_AND_ERR, { host: host() }).pipe(pipeTo('cat', { from: 'all' }), collectOutput()));
    expect(result.stdout.split('\n').sort()).to.deep.equal(['', 'err', 'out']);
  });

  it("from: 'stderr' into a remote stage reads a local stderr by the kernel pipe", async () => {
    const result = await lastValueFrom(spawn$('sh', OUT_AND_ERR).pipe(pipeTo('cat', { from: 'stderr', host: host() }), collectOutput()));
    expect(result.stdout).to.equal('err\n');
  });

  it('a remote pipeline emits each stage’s spawn and exit with its stage and host; the last event is the last stage’s exit', async () => {
    const { events, completed } = await outcome(spawn$('echo', ['x'], { host: host() }).pipe(pipeTo('cat', { host: host() })));
    expect(completed).to.equal(true);
    const staged = events.filter((e): e is Extract<ProcessEvent, { type: 'spawn' | 'exit' }> => e.type === 'spawn' || e.type === 'exit');
    expect(staged.map((e) => `${e.type} ${e.stage}`).sort()).to.deep.equal(['exit 0', 'exit 1', 'spawn 0', 'spawn 1']);
    for (const event of staged) expect(event.host).to.equal('rxproc-test-host');
    expect(events.at(-1)).to.include({ type: 'exit', stage: 1 });
    expect(output(events)).to.equal('x\n');
  });
});
