import { expect } from 'chai';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProcessExitError,
  ProcessTimeoutError,
  SpawnError,
  cmd$,
  pipeTo,
  spawn$,
  type CollectedOutput,
  type ProcessObservable,
  type SpawnOptions,
} from '../packages/rxproc/src/index.js';

const sh = (script: string, options?: SpawnOptions): ProcessObservable => spawn$('sh', ['-c', script], options);

describe('ProcessObservable: the Promise methods', () => {
  describe('text()', () => {
    it('resolves with stdout decoded as UTF-8, one trailing \\n removed', async () => {
      const text: string = await sh('printf "héllo ☃\\n"').text();
      expect(text).to.equal('héllo ☃');
    });

    it('removes exactly one trailing newline, \\n or \\r\\n, and nothing else', async () => {
      expect(await sh('printf "a\\n\\n"').text()).to.equal('a\n');
      expect(await sh('printf "a\\r\\n"').text()).to.equal('a');
      expect(await sh('printf "a\\r\\n\\r\\n"').text()).to.equal('a\r\n');
      expect(await sh('printf "  a  "').text()).to.equal('  a  ');
      expect(await sh('printf "a\\r"').text()).to.equal('a\r');
      expect(await sh('printf "\\n"').text()).to.equal('');
    });

    it('resolves with an empty string for a silent process (no EmptyError)', async () => {
      expect(await spawn$('true').text()).to.equal('');
      expect(await sh('echo only-stderr >&2').text()).to.equal('');
    });

    it('rejects with the ProcessExitError the Observable gives (the stderr tail included)', async () => {
      const error = await sh('echo partial; echo oops >&2; exit 3')
        .text()
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 3, stderr: 'oops\n' });
    });

    it('rejects with a SpawnError when the program does not exist', async () => {
      const error = await spawn$('rxproc-no-such-program')
        .text()
        .catch((err: unknown) => err);
      expect(error).to.be.instanceOf(SpawnError);
    });

    it('works on a pipeline (kernel pipes) and on cmd$', async () => {
      const sorted$ = sh('printf "b\\na\\nc\\n"').pipe(pipeTo('sort'), pipeTo('head', ['-n', '2'])) as ProcessObservable;
      expect(await sorted$.text()).to.equal('a\nb');
      expect(await cmd$`echo ${'a b'}`.text()).to.equal('a b');
    });

    it('rejects when a stage of a pipeline fails (pipefail)', async () => {
      const failing$ = sh('echo x; exit 4').pipe(pipeTo('cat')) as ProcessObservable;
      const error = await failing$.text().catch((err: unknown) => err);
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 4 });
    });
  });

  describe('output()', () => {
    it('resolves with the collectOutput result', async () => {
      const result: CollectedOutput<string> = await sh('echo out; echo err >&2').output();
      expect(result).to.include({ stdout: 'out\n', stderr: 'err\n', exitCode: 0, signal: null });
      expect(result.pid).to.be.a('number');
      expect(result.durationMs).to.be.a('number').greaterThan(0);
    });

    it('resolves for an exit code listed in successExitCodes', async () => {
      expect(await sh('echo x; exit 2', { successExitCodes: [0, 2] }).output()).to.include({ stdout: 'x\n', exitCode: 2 });
    });

    it('rejects with the ProcessExitError on failure, the ProcessTimeoutError on timeout', async () => {
      const failed = await sh('exit 5')
        .output()
        .catch((err: unknown) => err);
      expect(failed).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 5 });
      const timedOut = await spawn$('sleep', ['10'], { timeout: 100 })
        .output()
        .catch((err: unknown) => err);
      expect(timedOut).to.be.instanceOf(ProcessTimeoutError);
    });

    it('on a pipeline, stderr holds every stage', async () => {
      const piped$ = sh('echo one >&2; echo data').pipe(pipeTo('sh', ['-c', 'cat; echo two >&2'])) as ProcessObservable;
      const { stdout, stderr } = await piped$.output();
      expect(stdout).to.equal('data\n');
      expect(stderr.split('\n').sort()).to.deep.equal(['', 'one', 'two']);
    });
  });

  describe('exitCode()', () => {
    it('resolves with 0 for success', async () => {
      const code: number | null = await spawn$('true').exitCode();
      expect(code).to.equal(0);
    });

    it('resolves with a failing exit code instead of rejecting: the code is the answer', async () => {
      expect(await sh('exit 7').exitCode()).to.equal(7);
      expect(await spawn$('grep', ['-q', 'absent', '/dev/null']).exitCode()).to.equal(1);
      expect(await sh('exit 2', { successExitCodes: [2] }).exitCode()).to.equal(2);
    });

    it('rejects when the process gave no exit code: spawn failure, timeout, signal', async () => {
      expect(
        await spawn$('rxproc-no-such-program')
          .exitCode()
          .catch((err: unknown) => err),
      ).to.be.instanceOf(SpawnError);
      const timedOut = await spawn$('sleep', ['10'], { timeout: 100 })
        .exitCode()
        .catch((err: unknown) => err);
      expect(timedOut).to.be.instanceOf(ProcessTimeoutError);
      const killed = await sh('kill -TERM $$')
        .exitCode()
        .catch((err: unknown) => err);
      expect(killed).to.be.instanceOf(ProcessExitError).and.include({ signal: 'SIGTERM', exitCode: null });
    });

    it('discards the output: only the process decides', async () => {
      expect(await spawn$('head', ['-c', '3000000', '/dev/zero']).exitCode()).to.equal(0);
    });

    it('on a pipeline: the failing stage code (pipefail), else the last stage', async () => {
      expect(await (sh('echo x').pipe(pipeTo('sh', ['-c', 'cat >/dev/null; exit 6'])) as ProcessObservable).exitCode()).to.equal(6);
      expect(await (sh('echo x; exit 9').pipe(pipeTo('cat')) as ProcessObservable).exitCode()).to.equal(9);
      expect(await (sh('echo x').pipe(pipeTo('cat')) as ProcessObservable).exitCode()).to.equal(0);
    });
  });

  describe('each call subscribes once: a new process per call', () => {
    let dir: string;
    beforeEach(() => {
      dir = realpathSync(mkdtempSync(join(tmpdir(), 'rxproc-spec-')));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('runs the process once per call (cold: each Promise is a new process)', async () => {
      const log = join(dir, 'runs');
      const append$ = sh(`echo run >> '${log}'; echo $$`);
      const [a, b] = await Promise.all([append$.text(), append$.text()]);
      await append$.output();
      await append$.exitCode();
      expect(readFileSync(log, 'utf8')).to.equal('run\nrun\nrun\nrun\n');
      expect(a).to.not.equal(b);
    });
  });

  it('leaves the Observable contract as it is: a ProcessObservable still is an Observable of events', async () => {
    const types: string[] = [];
    await new Promise<void>((resolve) => sh('echo x').subscribe({ next: (e) => types.push(e.type), complete: resolve }));
    expect(types).to.deep.equal(['spawn', 'stdout', 'exit']);
  });
});
