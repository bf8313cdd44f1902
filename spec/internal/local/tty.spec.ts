import { expect } from 'chai';
import { of, Subject, tap } from 'rxjs';
import { liveProcessCount, pipeTo, SpawnError, spawn$, type ProcessEvent, type SpawnOptions } from '../../../packages/rxproc/src/index.js';
import { ptyLoader } from '../../../packages/rxproc/src/internal/local/loadPty.js';
import { outcome, output } from '../../support/outcome.js';
import { eventually, isAlive, procInfo, readProcFile } from '../../support/processes.js';

const IS_TTY = 'test -t 0 && test -t 1 && test -t 2 && echo terminal || echo pipe';

/** Runs `script` under sh and resolves once the run is over and its whole tree gone (`onSettled`). */
async function settledRun(script: string, options: SpawnOptions) {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const result = await outcome(spawn$('sh', ['-c', script], { ...options, onSettled: settle }));
  await settled;
  return result;
}

/** Subscribes, waits until the output holds `lines` lines, and returns them with the subscription. */
async function startAndRead(script: string, options: SpawnOptions, lines: number) {
  let text = '';
  let settled = false;
  const subscription = spawn$('sh', ['-c', script], { ...options, onSettled: () => (settled = true) }).subscribe((event: ProcessEvent) => {
    if (event.type === 'stdout') text += event.data.toString();
  });
  expect(await eventually(() => text.split('\n').length > lines, 10_000)).to.equal(true, `output so far: ${JSON.stringify(text)}`);
  return { subscription, lines: text.trim().split(/\r?\n/), isSettled: () => settled };
}

describe('tty: a process in a pseudo-terminal (PtyHandle)', () => {
  it('stdin, stdout and stderr are a terminal under tty, and not without it', async () => {
    const withTty = await settledRun(IS_TTY, { tty: true });
    const without = await settledRun(IS_TTY, {});
    expect(output(withTty.events).trim()).to.equal('terminal');
    expect(output(without.events).trim()).to.equal('pipe');
  });

  it('stderr is merged into the stdout events, with the terminal line endings; spawn first, exit last', async () => {
    const { events, completed } = await settledRun('echo out; echo err >&2', { tty: true });
    expect(completed).to.equal(true);
    expect(events[0]!.type).to.equal('spawn');
    expect(events.at(-1)).to.include({ type: 'exit', exitCode: 0, signal: null });
    expect(events.some((e) => e.type === 'stderr')).to.equal(false);
    expect(output(events)).to.equal('out\r\nerr\r\n');
  });

  it('the exit code decides as usual: a failure is a ProcessExitError, successExitCodes accepted', async () => {
    const failed = await settledRun('exit 3', { tty: true });
    expect((failed.error as Error).name).to.equal('ProcessExitError');
    expect(failed.events.at(-1)).to.include({ type: 'exit', exitCode: 3 });
    const accepted = await settledRun('exit 3', { tty: true, successExitCodes: [3] });
    expect(accepted.completed).to.equal(true);
  });

  it('a process killed by a signal reports the signal by name', async () => {
    const { events, error } = await settledRun('kill -KILL $$', { tty: true });
    expect(events.at(-1)).to.include({ type: 'exit', exitCode: null, signal: 'SIGKILL' });
    expect((error as Error).name).to.equal('ProcessExitError');
  });

  it('the terminal has the size asked for (80x24 by default)', async () => {
    expect(output((await settledRun('stty size', { tty: { cols: 132, rows: 50 } })).events).trim()).to.equal('50 132');
    expect(output((await settledRun('stty size', { tty: true })).events).trim()).to.equal('24 80');
  });

  it('stdin is typed into the terminal, then end-of-file, also after a line without its newline', async () => {
    const { events, completed } = await settledRun('cat >/dev/null; wc -c </dev/null; echo done', { tty: true, stdin: of('one\n', 'two') });
    expect(completed).to.equal(true);
    expect(output(events)).to.include('one').and.to.include('done');
    const text = await settledRun('read a; read b; echo "[$a|$b]"', { tty: true, stdin: 'x\ny' });
    expect(output(text.events)).to.include('[x|y]');
  });

  it('the child leads its own session and process group', async () => {
    const { subscription, lines, isSettled } = await startAndRead('echo $$; exec sleep 300', { tty: true }, 1);
    const pid = Number(lines[0]);
    expect(procInfo(pid)!.pgid).to.equal(pid);
    expect(readProcFile(pid, 'stat')!.split(') ')[1]!.split(' ')[3]).to.equal(String(pid)); // the session id
    subscription.unsubscribe();
    expect(await eventually(isSettled, 10_000)).to.equal(true);
    expect(isAlive(pid)).to.equal(false);
  });

  it('unsubscribing kills the whole tree, a grandchild too, and the count drops to 0', async () => {
    const { subscription, lines, isSettled } = await startAndRead('sleep 300 & echo $!; echo $$; wait', { tty: true }, 2);
    const [grandchild, child] = lines.map(Number);
    expect(isAlive(grandchild!) && isAlive(child!)).to.equal(true);
    expect(liveProcessCount()).to.equal(1);
    subscription.unsubscribe();
    expect(await eventually(isSettled, 10_000)).to.equal(true);
    expect(isAlive(grandchild!) || isAlive(child!)).to.equal(false);
    expect(liveProcessCount()).to.equal(0);
  });

  it('a tree that ignores killSignal gets SIGKILL after killTimeout', async () => {
    const script = `trap '' TERM HUP; (trap '' TERM HUP; sleep 300) & echo $!; echo $$; wait`;
    const { subscription, lines, isSettled } = await startAndRead(script, { tty: true, killTimeout: 300 }, 2);
    subscription.unsubscribe();
    expect(await eventually(isSettled, 10_000)).to.equal(true);
    expect(lines.map(Number).some(isAlive)).to.equal(false);
  });

  it('stop ends the run with the output and the exit event, and completes', async () => {
    const stop = new Subject<void>();
    let text = '';
    const script = `trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.1; done`;
    const run = outcome(spawn$('sh', ['-c', script], { tty: true, stop }).pipe(tap((e) => (text += e.type === 'stdout' ? e.data.toString() : ''))));
    expect(await eventually(() => text.includes('ready'), 10_000)).to.equal(true);
    stop.next();
    const { events, completed } = await run;
    expect(completed).to.equal(true);
    expect(output(events)).to.include('bye');
    expect(events.at(-1)).to.include({ type: 'exit', exitCode: 0 });
  });

  it('a missing command is a SpawnError ENOENT, as without a terminal', async () => {
    const { error } = await outcome(spawn$('no-such-command-rxproc', { tty: true }));
    expect(error).to.be.instanceOf(SpawnError);
    expect((error as SpawnError).code).to.equal('ENOENT');
  });

  it('the last process of a pipeline reads the upstream output as typed input, then end-of-file', async () => {
    let settled = false;
    const run = spawn$('printf', ['a\nb\n']).pipe(pipeTo('sh', ['-c', 'test -t 1 && wc -l'], { tty: true, onSettled: () => (settled = true) }));
    const { events, completed } = await outcome(run);
    expect(completed).to.equal(true);
    expect(output(events).trim().split(/\r?\n/).at(-1)!.trim()).to.equal('2');
    expect(await eventually(() => settled, 10_000)).to.equal(true);
  });

  describe('without the PTY package', () => {
    const saved = { ...ptyLoader };
    afterEach(() => Object.assign(ptyLoader, saved));

    it('the Observable errors with a SpawnError saying what to install, and onSettled is called', async () => {
      ptyLoader.loaded = undefined;
      ptyLoader.load = () => Promise.reject(Object.assign(new Error("Cannot find package '@lydell/node-pty'"), { code: 'ERR_MODULE_NOT_FOUND' }));
      let settled = false;
      const { error } = await outcome(spawn$('sh', ['-c', 'echo never'], { tty: true, onSettled: () => (settled = true) }));
      expect(error).to.be.instanceOf(SpawnError);
      expect((error as Error).message)
        .to.include('option "tty" needs the optional package @lydell/node-pty')
        .and.to.include('npm install @lydell/node-pty');
      expect(settled).to.equal(true);
      // A process without tty does not need it.
      expect((await outcome(spawn$('true'))).completed).to.equal(true);
    });
  });
});
