import { expect } from 'chai';
import { ProcessError, ProcessExitError, ProcessTimeoutError, spawn$, type SpawnOptions } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';

async function exitError(command: string, args: string[], options?: SpawnOptions): Promise<ProcessExitError> {
  const { error } = await outcome(spawn$(command, args, options));
  expect(error).to.be.instanceOf(ProcessExitError).and.instanceOf(ProcessError);
  return error as ProcessExitError;
}

describe('ProcessExitError', () => {
  it('has the structured fields and a message naming the command and the exit code', async () => {
    const err = await exitError('sh', ['-c', 'echo "it broke" >&2; exit 2']);
    expect(err).to.include({ name: 'ProcessExitError', command: 'sh', exitCode: 2, signal: null, stderr: 'it broke\n' });
    expect(err.args).to.deep.equal(['-c', 'echo "it broke" >&2; exit 2']);
    expect(err.pid).to.be.a('number');
    expect(err.durationMs).to.be.a('number').greaterThan(0);
    expect(err.message).to.equal(`Command failed with exit code 2: sh -c 'echo "it broke" >&2; exit 2'\nit broke`);
  });

  it('exit 143 is a code, not a signal', async () => {
    const err = await exitError('sh', ['-c', 'exit 143']);
    expect(err).to.include({ exitCode: 143, signal: null });
  });

  it('a signal death names the signal', async () => {
    const err = await exitError('sh', ['-c', 'kill -TERM $$']);
    expect(err).to.include({ exitCode: null, signal: 'SIGTERM' });
    expect(err.message).to.equal(`Command was killed by SIGTERM (signal 15): sh -c 'kill -TERM $$'`);
  });

  it('keeps only the tail of a huge stderr (64 KiB) and quotes its last lines', async () => {
    const script = 'i=0; while [ $i -lt 3000 ]; do echo "line $i of a long error output........"; i=$((i+1)); done >&2; exit 1';
    const err = await exitError('sh', ['-c', script]);
    expect(Buffer.byteLength(err.stderr))
      .to.be.at.most(64 * 1024)
      .and.greaterThan(60 * 1024);
    expect(err.stderr.endsWith('line 2999 of a long error output........\n')).to.equal(true);
    const quoted = err.message.split('\n');
    expect(quoted[1]).to.equal('…');
    expect(quoted.slice(2)).to.have.length(10);
    expect(quoted.at(-1)).to.equal('line 2999 of a long error output........');
  });

  it('ProcessTimeoutError is a ProcessExitError with timeoutMs', async () => {
    const err = await exitError('sleep', ['30'], { timeout: 50, killSignal: 'SIGINT' });
    expect(err).to.be.instanceOf(ProcessTimeoutError);
    expect(err).to.include({ name: 'ProcessTimeoutError', timeoutMs: 50, signal: 'SIGINT' });
    expect(err.message).to.equal('Command timed out after 50 ms and was stopped with SIGINT (killed by SIGINT (signal 2)): sleep 30');
  });
});
