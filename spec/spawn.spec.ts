import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, delay as delayEach, filter, from, interval, map, of, Subject, tap, throwError, timer } from 'rxjs';
import { ProcessExitError, ProcessObservable, ProcessTimeoutError, spawn$, type ProcessEvent } from '../packages/rxproc/src/index.js';
import { delay, outcome, output } from './support/outcome.js';
import { procInfo } from './support/processes.js';

describe('spawn$', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'rxproc-spec-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('is cold', () => {
    it('spawns nothing before subscribe', async () => {
      const file = join(dir, 'touched');
      const touch$ = spawn$('touch', [file]);
      await delay(100);
      expect(existsSync(file)).to.equal(false);
      await outcome(touch$);
      expect(existsSync(file)).to.equal(true);
    });

    it('spawns one process per subscription', async () => {
      const echo$ = spawn$('sh', ['-c', 'echo $$']);
      const [a, b] = await Promise.all([outcome(echo$), outcome(echo$)]);
      expect(output(a.events)).to.not.equal(output(b.events));
      expect(a.events[0]).to.deep.include({ type: 'spawn', pid: Number(output(a.events)) });
    });

    it('returns a ProcessObservable that says what it runs', () => {
      const ls$ = spawn$('ls', ['-l'], { cwd: '/' });
      expect(ls$).to.be.instanceOf(ProcessObservable);
      expect(ls$.command).to.equal('ls');
      expect(ls$.args).to.deep.equal(['-l']);
      expect(ls$.options.cwd).to.equal('/');
      expect(ls$.options.killSignal).to.equal('SIGTERM');
    });
  });

  describe('event stream', () => {
    it('emits spawn first, output in order, exit last, then completes', async () => {
      const { events, completed } = await outcome(spawn$('sh', ['-c', 'echo out; sleep 0.05; echo err >&2; exit 0']));
      expect(completed).to.equal(true);
      expect(events.map((e) => e.type)).to.deep.equal(['spawn', 'stdout', 'stderr', 'exit']);
      expect(output(events)).to.equal('out\n');
      expect(output(events, 'stderr')).to.equal('err\n');
      const exit = events.at(-1) as Extract<ProcessEvent, { type: 'exit' }>;
      expect(exit).to.include({ exitCode: 0, signal: null, pid: (events[0] as { pid: number }).pid });
      expect(exit.durationMs).to.be.a('number').greaterThan(0);
    });

    it('never loses the last output: completion waits for EOF, not for the exit', async () => {
      const { events } = await outcome(spawn$('head', ['-c', '3000000', '/dev/zero']));
      expect(events.reduce((n, e) => n + (e.type === 'stdout' ? e.data.length : 0), 0)).to.equal(3_000_000);
    });

    it('errors with ProcessExitError after the exit event on a non-zero exit', async () => {
      const { events, error } = await outcome(spawn$('sh', ['-c', 'exit 2']));
      expect(events.at(-1)).to.deep.include({ type: 'exit', exitCode: 2, signal: null });
      expect(error).to.be.instanceOf(ProcessExitError).with.property('exitCode', 2);
    });

    it('reports a signal death with exitCode null and the signal', async () => {
      const { events, error } = await outcome(spawn$('sh', ['-c', 'kill -9 $$']));
      expect(events.at(-1)).to.deep.include({ type: 'exit', exitCode: null, signal: 'SIGKILL' });
      expect(error).to.be.instanceOf(ProcessExitError).with.property('signal', 'SIGKILL');
    });

    it('accepts other exit codes with successExitCodes (grep finding nothing)', async () => {
      const { completed, events } = await outcome(spawn$('grep', ['x'], { stdin: 'abc\n', successExitCodes: [0, 1] }));
      expect(completed).to.equal(true);
      expect(events.at(-1)).to.deep.include({ exitCode: 1 });
    });

    it('does not wait for a background descendant holding the pipes, and stops it', async () => {
      const { events, completed } = await outcome(spawn$('sh', ['-c', 'sleep 30 & echo hi'], { drainTimeout: 200 }));
      expect(completed).to.equal(true);
      expect(output(events)).to.equal('hi\n');
      expect((events.at(-1) as { durationMs: number }).durationMs).to.be.lessThan(10_000);
      // the afterEach hook checks that the `sleep 30` is gone
    });
  });

  describe('options', () => {
    it('cwd', async () => {
      expect(output((await outcome(spawn$('pwd', { cwd: dir }))).events)).to.equal(`${dir}\n`);
    });

    it('env is merged over process.env; undefined removes a variable', async () => {
      process.env.RXPROC_SPEC_DROP = 'x';
      try {
        const { events } = await outcome(spawn$('env', { env: { FOO: 'bar', RXPROC_SPEC_DROP: undefined } }));
        const vars = output(events).split('\n');
        expect(vars).to.include('FOO=bar');
        expect(vars).to.include(`PATH=${process.env.PATH}`);
        expect(vars.some((v) => v.startsWith('RXPROC_SPEC_DROP='))).to.equal(false);
      } finally {
        delete process.env.RXPROC_SPEC_DROP;
      }
    });

    it('env with extendEnv: false is the whole environment', async () => {
      const { events } = await outcome(spawn$('/usr/bin/env', { env: { ONLY: '1' }, extendEnv: false }));
      // Node itself passes NODE_V8_COVERAGE on to every child while coverage is collected (npm run coverage).
      expect(output(events).replace(/^NODE_V8_COVERAGE=.*\n/m, '')).to.equal('ONLY=1\n');
    });

    it('stdin: none means an immediate EOF from /dev/null, never the host terminal', async () => {
      expect(output((await outcome(spawn$('readlink', ['/proc/self/fd/0']))).events)).to.equal('/dev/null\n');
      expect((await outcome(spawn$('cat'))).completed).to.equal(true);
      expect(output((await outcome(spawn$('readlink', ['/proc/self/fd/0'], { stdin: 'ignore' }))).events)).to.equal('/dev/null\n');
    });

    it("stdin: 'inherit' shares the host's stdin", async () => {
      const mine = readlinkSync('/proc/self/fd/0');
      const { events } = await outcome(spawn$('readlink', ['/proc/self/fd/0'], { stdin: 'inherit' }));
      expect(output(events)).to.equal(`${mine}\n`);
    });

    it('stdin: a string, bytes, or an Observable of chunks, then EOF', async () => {
      expect(output((await outcome(spawn$('cat', { stdin: 'héllo' }))).events)).to.equal('héllo');
      expect(output((await outcome(spawn$('cat', { stdin: Buffer.from('bytes') }))).events)).to.equal('bytes');
      const chunks$ = from(['a', Buffer.from('b'), new Uint8Array([99])]).pipe(delayEach(5));
      expect(output((await outcome(spawn$('cat', { stdin: chunks$ }))).events)).to.equal('abc');
    });

    it('stdin: a child that exits early is not an error (EPIPE), and the source is stopped', async () => {
      let emitted = 0;
      const endless$ = interval(1).pipe(map(() => `${++emitted}\n`));
      const { completed, events } = await outcome(spawn$('head', ['-n', '2'], { stdin: endless$ }));
      expect(completed).to.equal(true);
      expect(output(events)).to.equal('1\n2\n');
      const seen = emitted;
      await delay(50);
      expect(emitted).to.equal(seen);
      const big = await outcome(spawn$('head', ['-c', '1'], { stdin: 'x'.repeat(10 * 1024 * 1024) }));
      expect(big.completed).to.equal(true);
      expect(output(big.events)).to.equal('x');
    });

    it('stdin: an error from the source kills the child and is the error', async () => {
      const boom = new Error('boom');
      const source$ = concat(
        of('a'),
        timer(50).pipe(map(() => 'b')),
        throwError(() => boom),
      );
      const { error, events } = await outcome(spawn$('sleep', ['30'], { stdin: source$ }));
      expect(error).to.equal(boom);
      expect(events.map((e) => e.type)).to.deep.equal(['spawn']);
    });

    it('stdin: a chunk that is not a string or bytes is a TypeError through the Observable', async () => {
      const { error } = await outcome(spawn$('cat', { stdin: of(42) as never }));
      expect(error)
        .to.be.instanceOf(TypeError)
        .with.property('message')
        .that.matches(/stdin.*number.*string or a Uint8Array/);
    });

    it('stdout and stderr to files, truncating or appending; ignore and inherit emit nothing', async () => {
      const out = join(dir, 'out.log');
      writeFileSync(out, 'old\n');
      const err = join(dir, 'err.log');
      writeFileSync(err, 'old\n');
      const { events } = await outcome(
        spawn$('sh', ['-c', 'echo o; echo e >&2'], { cwd: dir, stdout: { file: 'out.log' }, stderr: { file: err, append: true } }),
      );
      expect(events.map((e) => e.type)).to.deep.equal(['spawn', 'exit']);
      expect(readFileSync(out, 'utf8')).to.equal('o\n');
      expect(readFileSync(err, 'utf8')).to.equal('old\ne\n');
      const quiet = await outcome(spawn$('sh', ['-c', 'echo o; echo e >&2'], { stdout: 'ignore', stderr: 'ignore' }));
      expect(quiet.events.map((e) => e.type)).to.deep.equal(['spawn', 'exit']);
      const inherited = await outcome(spawn$('true', { stdout: 'inherit', stderr: 'inherit' }));
      expect(inherited.completed).to.equal(true);
    });

    it('stdout and stderr to the same file share it, as >file 2>&1 does', async () => {
      const file = join(dir, 'both.log');
      await outcome(spawn$('sh', ['-c', 'echo aaa; echo bb >&2; echo c'], { stdout: { file }, stderr: { file } }));
      expect(readFileSync(file, 'utf8')).to.equal('aaa\nbb\nc\n');
    });

    it('options are copied when spawn$ is called', async () => {
      const env: Record<string, string> = { RXPROC_COPIED: 'before' };
      const codes = [0];
      const source = spawn$('sh', ['-c', 'echo $RXPROC_COPIED; exit 1'], { env, successExitCodes: codes });
      env.RXPROC_COPIED = 'after';
      codes.push(1);
      const { events, error } = await outcome(source);
      expect(output(events)).to.equal('before\n');
      expect(error).to.be.instanceOf(ProcessExitError);
    });

    it('signals are delivered to the running child', async () => {
      const signals = new Subject<NodeJS.Signals>();
      const script = "trap 'echo got HUP; exit 0' HUP; echo ready; while :; do sleep 0.02; done";
      const run = outcome(
        spawn$('sh', ['-c', script], { signals }).pipe(
          filter((e) => e.type !== 'stdout' || !e.data.toString().includes('ready') || (signals.next('SIGHUP'), true)),
        ),
      );
      const { events, completed } = await run;
      expect(completed).to.equal(true);
      expect(output(events)).to.equal('ready\ngot HUP\n');
    });

    it('signals: a value that is not a signal name errors the Observable and kills the child', async () => {
      const { error } = await outcome(spawn$('sleep', ['30'], { signals: timer(20).pipe(map(() => 'SIGNOPE' as NodeJS.Signals)) }));
      expect(error).to.be.instanceOf(TypeError).with.property('message').that.includes('SIGNOPE');
    });

    it('timeout kills the process and errors with ProcessTimeoutError after the exit event', async () => {
      const { events, error } = await outcome(spawn$('sleep', ['30'], { timeout: 100 }));
      expect(events.at(-1)).to.deep.include({ type: 'exit', exitCode: null, signal: 'SIGTERM' });
      expect(error).to.be.instanceOf(ProcessTimeoutError).and.include({ timeoutMs: 100, signal: 'SIGTERM' });
      expect((error as Error).message).to.match(/timed out after 100 ms and was stopped with SIGTERM/);
    });

    it('timeout does not fire for a child that exited in time, even while a descendant holds its output', async () => {
      // What matters is the order: the exit, then the deadline, then the end of the output (released by the
      // test once the deadline is past). An attempt whose child was not seen gone before its deadline (a
      // loaded machine) proves nothing: it is made again with a longer timeout.
      for (let timeout = 50; ; timeout *= 4) {
        const release = join(dir, `release-${timeout}`);
        let pid = 0;
        const subscribedAt = performance.now();
        const run = outcome(
          spawn$('sh', ['-c', `(while [ ! -e "${release}" ]; do sleep 0.01; done) & exit 0`], { timeout, drainTimeout: Infinity }).pipe(
            tap((event) => {
              if (event.type === 'spawn') pid = event.pid;
            }),
          ),
        );
        // Gone from /proc: Node has reaped the child (and emitted its exit in the same callback).
        while (pid === 0 || procInfo(pid) !== undefined) await delay(2);
        const exitedInTime = performance.now() - subscribedAt < timeout;
        // Past the deadline: this timer, due later, fires after the run's; then a turn for its I/O check.
        await delay(timeout);
        for (let turn = 0; turn < 2; turn++) await new Promise((done) => setImmediate(done));
        writeFileSync(release, '');
        const { completed } = await run;
        if (!exitedInTime) continue;
        expect(completed).to.equal(true);
        return;
      }
    });

    it('uid and gid', async function () {
      if (process.getuid?.() !== 0) this.skip();
      const { events } = await outcome(spawn$('sh', ['-c', 'id -u; id -g'], { uid: 65534, gid: 65533 }));
      expect(output(events)).to.equal('65534\n65533\n');
    });

    it("uid and gid: the child has only that group (no supplementary groups), and the host's environment (HOME)", async function () {
      if (process.getuid?.() !== 0) this.skip();
      const script = 'id -u; id -g; id -G; grep "^Groups:" /proc/self/status; echo "HOME=$HOME"';
      const { events, error } = await outcome(spawn$('sh', ['-c', script], { uid: 65534, gid: 65533 }));
      expect(error).to.equal(undefined);
      // Groups: empty: setgroups(0) was called (by libuv); root's group 0 is not kept as a supplementary group.
      expect(output(events).replace(/[ \t]+\n/g, '\n')).to.equal(`65534\n65533\n65533\nGroups:\nHOME=${process.env.HOME}\n`);
    });
  });

  describe('checks its arguments when called', () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['empty command', () => spawn$(''), /command must be a non-empty string/],
      ['non-string command', () => spawn$(42 as never), /command must be a non-empty string, got number 42/],
      ['args not an array', () => spawn$('ls', 'x' as never, {}), /arguments must be an array of strings/],
      ['args a string, no options', () => spawn$('ls', 'x' as never), /arguments must be an array of strings, got string 'x'/],
      ['non-string argument', () => spawn$('ls', ['a', 1 as never]), /argument 2 must be a string, got number 1/],
      ['options not an object', () => spawn$('ls', [], 5 as never), /option "options" must be an object, got 5/],
      ['unknown option', () => spawn$('ls', { kilSignal: 'SIGTERM' } as never), /unknown option "kilSignal"/],
      [
        'lower-case signal',
        () => spawn$('ls', { killSignal: 'sigterm' as never }),
        /"killSignal" must be the name of a signal that ends a process.*got 'sigterm'/,
      ],
      ['unknown signal', () => spawn$('ls', { killSignal: 'SIGOTHER' as never }), /"killSignal".*'SIGOTHER'/],
      ['numeric signal', () => spawn$('ls', { killSignal: 15 as never }), /"killSignal".*got 15/],
      ['negative killTimeout', () => spawn$('ls', { killTimeout: -1 }), /"killTimeout" must be a number of milliseconds.*got -1/],
      ['NaN killTimeout', () => spawn$('ls', { killTimeout: NaN }), /"killTimeout".*got NaN/],
      ['zero timeout', () => spawn$('ls', { timeout: 0 }), /"timeout" must be a number of milliseconds from 1/],
      ['huge timeout', () => spawn$('ls', { timeout: 2 ** 32 }), /"timeout"/],
      ['bad drainTimeout', () => spawn$('ls', { drainTimeout: '5' as never }), /"drainTimeout".*got '5'/],
      ['bad env', () => spawn$('ls', { env: { A: 1 as never } }), /"env.A" must be a string or undefined, got 1/],
      ['bad stdin', () => spawn$('ls', { stdin: 5 as never }), /"stdin" must be an Observable/],
      ['bad stdout', () => spawn$('ls', { stdout: 'file.txt' as never }), /"stdout" must be 'pipe', 'inherit', 'ignore' or \{ file/],
      ['empty successExitCodes', () => spawn$('ls', { successExitCodes: [] }), /"successExitCodes" must be a non-empty array/],
      ['out-of-range successExitCodes', () => spawn$('ls', { successExitCodes: [0, 256] }), /exit codes from 0 to 255, got \[ 0, 256 \]/],
      ['bad uid', () => spawn$('ls', { uid: -1 }), /"uid" must be an integer from 0 to 2147483647, got -1/],
      ['huge gid', () => spawn$('ls', { gid: 2 ** 32 }), /"gid" must be an integer from 0 to 2147483647/],
      ['uid without gid', () => spawn$('id', { uid: 65534 }), /option "uid" needs "gid" too: uid alone keeps the host's group/],
      [
        'a non-boolean noFollow',
        () => spawn$('ls', { stdout: { file: 'x', noFollow: 'yes' as never } }),
        /"stdout" must be .*noFollow\?: boolean \}, got \{ file: 'x', noFollow: 'yes' \}/,
      ],
      [
        'a misspelt file redirect key',
        () => spawn$('ls', { stderr: { file: 'x', nofollow: true } as never }),
        /"stderr" must be .*got \{ file: 'x', nofollow: true \}/,
      ],
      ['env key with =', () => spawn$('ls', { env: { 'A=B': 'c' } }), /"env" must be an object whose keys are variable names.*got 'A=B'/],
      [
        'a killSignal that does not end a process',
        () => spawn$('ls', { killSignal: 'SIGCONT' }),
        /"killSignal" must be the name of a signal that ends a process.*'SIGCONT'/,
      ],
      ['bad signals', () => spawn$('ls', { signals: 'SIGHUP' as never }), /"signals" must be an Observable/],
      ['bad cwd', () => spawn$('ls', { cwd: 3 as never }), /"cwd" must be a non-empty path, got 3/],
    ];
    for (const [name, call, message] of cases) {
      it(`throws a TypeError for ${name}`, () => {
        expect(call).to.throw(TypeError, message);
      });
    }

    it('accepts the spawn$(command, options) form', async () => {
      const { events } = await outcome(spawn$('pwd', { cwd: '/' }));
      expect(output(events)).to.equal('/\n');
    });
  });
});
