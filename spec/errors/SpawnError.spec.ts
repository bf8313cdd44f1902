import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProcessError, SpawnError, spawn$ } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';

const fixture = (name: string): string => resolve(__dirname, '../fixtures', name);

/** Runs and returns the SpawnError, checking that nothing was emitted before it. */
async function spawnError(source: ReturnType<typeof spawn$>): Promise<SpawnError> {
  const { events, error } = await outcome(source);
  expect(events, 'nothing is emitted before a spawn failure').to.deep.equal([]);
  expect(error).to.be.instanceOf(SpawnError).and.instanceOf(ProcessError);
  return error as SpawnError;
}

describe('SpawnError', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxproc-spec-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ENOENT: names the command and says it is not in the PATH', async () => {
    const err = await spawnError(spawn$('rxproc-no-such-command', ['--flag']));
    expect(err).to.include({ code: 'ENOENT', command: 'rxproc-no-such-command', pid: undefined });
    expect(err.args).to.deep.equal(['--flag']);
    expect(err.message).to.equal(
      'Failed to start rxproc-no-such-command --flag: command not found: "rxproc-no-such-command" is not in the PATH ' +
        '(or a program it needs, such as its #! interpreter, is missing) [ENOENT]',
    );
    expect(err.durationMs).to.be.a('number').at.least(0);
  });

  it('ENOENT for a path names the missing file', async () => {
    const err = await spawnError(spawn$('./nope.sh', { cwd: dir }));
    expect(err.message).to.include(`no such file: ${join(dir, 'nope.sh')}`);
  });

  it('ENOENT for a script whose #! interpreter is missing says so', async () => {
    const script = join(dir, 'orphan-shebang.sh');
    writeFileSync(script, '#!/nonexistent/interpreter\necho hi\n', { mode: 0o755 });
    const err = await spawnError(spawn$(script));
    expect(err.message).to.include(`${script} exists, but its #! interpreter (or a library it needs) is missing`);
  });

  it('a missing cwd names the cwd, not the command', async () => {
    const err = await spawnError(spawn$('ls', { cwd: join(dir, 'missing') }));
    expect(err).to.include({ code: 'ENOENT', cwd: join(dir, 'missing') });
    expect(err.message).to.equal(`Failed to start ls (cwd: ${join(dir, 'missing')}): the working directory does not exist [ENOENT]`);
  });

  it('a cwd that is a file is ENOTDIR', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const err = await spawnError(spawn$('ls', { cwd: file }));
    expect(err.code).to.equal('ENOTDIR');
    expect(err.message).to.include('the working directory is not a directory');
  });

  it('EACCES: a file that is not executable', async () => {
    const err = await spawnError(spawn$(fixture('not-executable.sh')));
    expect(err.code).to.equal('EACCES');
    expect(err.message).to.include(`${fixture('not-executable.sh')} is not executable (chmod +x?)`);
  });

  it('EACCES: a directory as the command', async () => {
    const err = await spawnError(spawn$(dir));
    expect(err.code).to.equal('EACCES');
    expect(err.message).to.include(`${dir} is a directory`);
  });

  for (const [where, make] of [
    ['the command', () => spawn$('ec\0ho')],
    ['an argument', () => spawn$('echo', ['ok', 'a\0b'])],
    ['an env value', () => spawn$('echo', { env: { BAD: 'a\0b' } })],
    ['the cwd', () => spawn$('echo', { cwd: '/tmp\0x' })],
  ] as const) {
    it(`a NUL byte in ${where} is an ERR_INVALID_ARG_VALUE SpawnError naming it`, async () => {
      const err = await spawnError(make());
      expect(err.code).to.equal('ERR_INVALID_ARG_VALUE');
      expect(err.message).to.match(/contains a NUL byte/);
    });
  }

  it('E2BIG: an argument larger than the system allows', async () => {
    const err = await spawnError(spawn$('echo', ['x'.repeat(200 * 1024)]));
    expect(err.code).to.equal('E2BIG');
    expect(err.message).to.include('the arguments and environment are larger than the system allows');
    expect(err.message.length, 'the message stays short').to.be.lessThan(600);
  });

  it('a redirect file that cannot be opened: nothing is started', async () => {
    const unwritable = join(dir, 'no-such-dir', 'out.log');
    const err = await spawnError(spawn$('echo', ['hi'], { stdout: { file: unwritable } }));
    expect(err.code).to.equal('ENOENT');
    expect(err.message).to.include(`cannot open ${unwritable} for stdout`);
  });

  it('EMFILE: out of file descriptors, as a SpawnError (host process under ulimit -n 64)', () => {
    const stdout = execFileSync('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" "${fixture('emfile.mjs')}"`]);
    const results = JSON.parse(stdout.toString()) as Record<string, string | number>;
    expect(Object.keys(results).sort()).to.deep.equal(['EMFILE', 'message']);
    expect(results.message).to.equal('Failed to start sleep 0.3: too many open files in this process (ulimit -n) [EMFILE]');
  });

  it('is never thrown by spawn$() or subscribe()', () => {
    expect(() =>
      spawn$('rxproc-no-such-command')
        .subscribe({ error: () => undefined })
        .unsubscribe(),
    ).to.not.throw();
    expect(() => spawn$('echo', ['a\0']).subscribe({ error: () => undefined })).to.not.throw();
  });
});
