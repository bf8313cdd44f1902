import { expect } from 'chai';
import { concat, of, tap, throwError } from 'rxjs';
import {
  collectOutput,
  OutputLimitError,
  ProcessExitError,
  ProcessTimeoutError,
  SpawnError,
  spawn$,
  type ProcessEvent,
} from '../../packages/rxproc/src/index.js';
import { lockstep } from '../support/lockstep.js';
import { outcome } from '../support/outcome.js';

describe('collectOutput: output on failure', () => {
  it('a ProcessExitError carries stdout and stderr as collected, and all when asked', async () => {
    const script = 'echo out1; read x; echo err1 >&2; read x; echo out2; exit 3';
    const { error } = await outcome(lockstep(script).pipe(collectOutput({ all: true })));
    expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 3, stderr: 'err1\n' });
    expect((error as ProcessExitError).output).to.deep.equal({ stdout: 'out1\nout2\n', stderr: 'err1\n', all: 'out1\nerr1\nout2\n' });
  });

  it('in the chosen encoding', async () => {
    const { error } = await outcome(spawn$('sh', ['-c', 'printf "\\377"; exit 1']).pipe(collectOutput({ encoding: 'buffer' })));
    expect((error as ProcessExitError).output).to.deep.equal({ stdout: Buffer.from([0xff]), stderr: Buffer.alloc(0) });
    const hex = await outcome(spawn$('sh', ['-c', 'printf "\\377"; exit 1']).pipe(collectOutput({ encoding: 'hex' })));
    expect((hex.error as ProcessExitError).output).to.deep.equal({ stdout: 'ff', stderr: '' });
  });

  it('a ProcessTimeoutError carries what was said before the timeout', async () => {
    // Whatever the load, the output carried is exactly the output read before the error.
    let seen = '';
    const source = spawn$('sh', ['-c', 'echo started; exec sleep 10'], { timeout: 1000 }).pipe(
      tap((event) => {
        if (event.type === 'stdout') seen += event.data.toString();
      }),
    );
    const { error } = await outcome(source.pipe(collectOutput()));
    expect(error).to.be.instanceOf(ProcessTimeoutError);
    expect((error as ProcessTimeoutError).output).to.deep.equal({ stdout: seen, stderr: '' });
  });

  it('an OutputLimitError carries the output up to the limit: the stream that went over holds exactly maxBuffer bytes', async () => {
    const { error } = await outcome(spawn$('sh', ['-c', 'head -c 5000 /dev/zero | tr "\\0" e >&2']).pipe(collectOutput({ maxBuffer: 4096, all: true })));
    expect(error).to.be.instanceOf(OutputLimitError).and.include({ stream: 'stderr' });
    const { output } = error as OutputLimitError;
    expect(output!.stderr).to.equal('e'.repeat(4096));
    expect(output!.all).to.equal('e'.repeat(4096));
    expect(output!.stdout).to.equal('');
  });

  it('a SpawnError carries empty output; the output is not enumerable, so printing the error does not print it', async () => {
    const { error } = await outcome(spawn$('no-such-command-rxproc').pipe(collectOutput()));
    expect(error).to.be.instanceOf(SpawnError);
    expect((error as SpawnError).output).to.deep.equal({ stdout: '', stderr: '' });
    expect(Object.keys(error as object)).to.not.include('output');
  });

  it('an error that is not an rxproc error passes through untouched', async () => {
    const boom = new Error('boom');
    const source = concat(
      of<ProcessEvent>({ type: 'stdout', data: Buffer.from('x') }),
      throwError(() => boom),
    );
    const { error } = await outcome(source.pipe(collectOutput()));
    expect(error).to.equal(boom);
    expect(error).to.not.have.property('output');
  });

  it('without collectOutput, an error has no output (the contract is as before)', async () => {
    const { error } = await outcome(spawn$('sh', ['-c', 'echo out; exit 2']));
    expect(error).to.be.instanceOf(ProcessExitError);
    expect(error).to.not.have.property('output');
    expect('output' in (error as object)).to.equal(false);
  });
});
