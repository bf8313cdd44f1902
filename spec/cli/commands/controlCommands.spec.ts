import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, isAlive } from '../../support/processes.js';
import { BIN, events, RUNTIME_DIR, rxproc, startRxproc, useTaskDirs } from '../support.js';

/** A second `rxproc` process, run to its end without blocking this one (the run's output keeps flowing). */
function rxprocAsync(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', XDG_RUNTIME_DIR: RUNTIME_DIR }, timeout: 60000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      },
    );
  });
}

type Record_ = Record<string, unknown>;
const index = (seen: Record_[], match: Record_): number => seen.findIndex((e) => Object.entries(match).every(([k, v]) => e[k] === v));
const pidsOf = (seen: Record_[], task: string): number[] => seen.filter((e) => e.task === task && e.event === 'spawn').map((e) => e.pid as number);

const SERVICES = `
tasks:
  db:
    sh: 'echo "db up"; trap "echo db bye; exit 0" TERM; sleep 1000 & wait'
    ready: db up
  web:
    sh: 'echo "web on"; trap "echo web bye; exit 0" TERM; sleep 1000 & wait'
    dependsOn: [db]
  once:
    sh: echo once ran
    autostart: false
`;

describe('rxproc ps, restart, stop, start, logs: a second rxproc drives a running one (through the built bin)', function () {
  this.timeout(90000);
  const make = useTaskDirs();
  const runs: Array<ReturnType<typeof startRxproc>> = [];
  const launch = (dir: string): ReturnType<typeof startRxproc> => {
    const run = startRxproc(['run', '--json'], dir);
    runs.push(run);
    return run;
  };
  // A failed test leaves no run behind (its tasks are watched: they go with it).
  afterEach(async () => {
    for (const run of runs.splice(0)) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('ps, restart of a task others depend on (in order), start, stop of a task, logs, bad names, then stop of the whole run', async () => {
    const dir = make(SERVICES);
    const run = launch(dir);
    expect(await eventually(() => index(run.seen, { task: 'web', event: 'spawn' }) !== -1, 20000)).to.equal(true);

    const ps = await rxprocAsync(['ps', '--json'], dir);
    expect(ps.code, ps.stderr).to.equal(0);
    const tasks = JSON.parse(ps.stdout) as Array<Record_>;
    expect(tasks.map((t) => [t.name, t.state, t.pid])).to.deep.equal([
      ['db', 'ready', pidsOf(run.seen, 'db')[0]],
      ['web', 'running', pidsOf(run.seen, 'web')[0]],
      ['once', 'not started', null],
    ]);
    expect(tasks[0]).to.include.keys('restarts', 'uptimeMs', 'cpuMs', 'memoryBytes', 'peakMemoryBytes');
    const table = (await rxprocAsync(['ps'], dir)).stdout.trimEnd().split('\n');
    expect(table[0]).to.match(/^TASK\s+STATE\s+PID\s+RESTARTS\s+UPTIME\s+CPU\s+MEMORY\s+PEAK$/);
    expect(table.slice(1).map((row) => row.split(/\s+/)[0])).to.deep.equal(['db', 'web', 'once']);

    // A restart of db stops web first (it depends on db), then db; db starts, and web once db is ready again.
    const [oldDb, oldWeb] = [pidsOf(run.seen, 'db')[0]!, pidsOf(run.seen, 'web')[0]!];
    const restart = await rxprocAsync(['restart', 'db'], dir);
    expect(restart.code, restart.stderr).to.equal(0);
    expect(restart.stdout).to.equal('restarted: db, web\n');
    expect(isAlive(oldDb) || isAlive(oldWeb), 'the old processes are gone when restart answers').to.equal(false);
    expect(await eventually(() => pidsOf(run.seen, 'web').length === 2, 20000)).to.equal(true);
    const asked = index(run.seen, { event: 'control', command: 'restart' });
    const order = [
      index(run.seen, { task: 'web', line: 'web bye' }),
      index(run.seen, { task: 'db', line: 'db bye' }),
      run.seen.findIndex((e, i) => i > asked && e.task === 'db' && e.event === 'ready'),
      run.seen.findIndex((e, i) => i > asked && e.task === 'web' && e.event === 'spawn'),
    ];
    expect(asked).to.be.greaterThan(-1);
    expect(run.seen[asked]).to.deep.equal({ event: 'control', command: 'restart', tasks: ['db'] });
    expect(order[0]).to.be.greaterThan(asked);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);

    // Bad names and wrong states: a clear message and exit code 1, the run untouched.
    const unknown = await rxprocAsync(['restart', 'dbb'], dir);
    expect([unknown.code, unknown.stderr]).to.deep.equal([1, 'rxproc: no task named "dbb" (did you mean "db"?): the tasks are db, web, once\n']);
    const running = await rxprocAsync(['start', 'web'], dir);
    expect(running.code).to.equal(1);
    expect(running.stderr).to.match(/^rxproc: web is already running \(pid \d+\)\n$/);

    // Bad usage exits 2, as a task file error does; a --file that does not exist is one.
    expect((await rxprocAsync(['restart'], dir)).code).to.equal(2);
    expect((await rxprocAsync(['logs', '-n', 'many', 'db'], dir)).code).to.equal(2);
    const noFile = await rxprocAsync(['ps', '--file', 'nowhere/rxproc.yaml'], dir);
    expect([noFile.code, noFile.stderr]).to.deep.equal([2, `rxproc: no task file ${dir}/nowhere/rxproc.yaml\n`]);
    expect((await rxprocAsync(['ps', '--file', '.'], dir)).code, 'a folder names its task file').to.equal(0);
    // A refused request is not reported as asked.
    expect(run.seen.filter((e) => e.event === 'control' && e.command === 'start')).to.deep.equal([]);

    // A task declared autostart: false runs when asked.
    const started = await rxprocAsync(['start', 'once'], dir);
    expect([started.code, started.stdout]).to.deep.equal([0, 'started: once\n']);
    expect(await eventually(() => index(run.seen, { task: 'once', event: 'exit' }) !== -1, 20000)).to.equal(true);

    // Stopping one task: it stays stopped, the run goes on.
    const web = pidsOf(run.seen, 'web')[1]!;
    const stop = await rxprocAsync(['stop', 'web'], dir);
    expect([stop.code, stop.stdout]).to.deep.equal([0, 'stopped: web\n']);
    expect(isAlive(web)).to.equal(false);
    const after = JSON.parse((await rxprocAsync(['ps', '--json'], dir)).stdout) as Array<Record_>;
    expect(after.map((t) => [t.name, t.state])).to.deep.equal([
      ['db', 'ready'],
      ['web', 'stopped'],
      ['once', 'completed'],
    ]);
    expect(after[1]!.restarts).to.equal(1);

    // logs: the last lines, as the run printed them; then following, until the run ends.
    const logs = await rxprocAsync(['logs', '-n', '2', 'web'], dir);
    expect(logs.code, logs.stderr).to.equal(0);
    expect(logs.stdout.split('\n').slice(0, 3)).to.deep.equal(['web    | web bye', 'rxproc | web exited (exit code 0)', '']);
    // The follower prints db's last line at once, then is following (both in the same answer).
    const follower = spawn(process.execPath, [BIN, 'logs', '-f', '-n', '1', 'db'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', XDG_RUNTIME_DIR: RUNTIME_DIR },
    });
    let followed = '';
    follower.stdout.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    const followerExit = new Promise((resolve) => follower.on('close', resolve));
    expect(await eventually(() => followed.includes('\n'), 20000)).to.equal(true);

    const db = pidsOf(run.seen, 'db')[1]!;
    const end = await rxprocAsync(['stop'], dir);
    expect([end.code, end.stdout]).to.deep.equal([0, 'stopped the run (exit code 0)\n']);
    expect(isAlive(db), 'nothing is left running after rxproc stop').to.equal(false);
    expect(await run.exited).to.equal(0);
    expect(await followerExit).to.equal(0);
    expect(followed).to.include('db     | db bye\n');
    expect(index(run.seen, { event: 'control', command: 'stop' })).to.be.greaterThan(-1);
    const gone = await rxprocAsync(['ps'], dir);
    expect([gone.code, gone.stderr]).to.deep.equal([3, `rxproc: no rxproc run in ${dir}\n`]);
  });

  it('a second run in the folder is refused; a SIGKILLed run leaves a socket that blocks nothing', async () => {
    const dir = make(SERVICES);
    const first = launch(dir);
    expect(await eventually(() => index(first.seen, { task: 'web', event: 'spawn' }) !== -1, 20000)).to.equal(true);
    const second = await rxprocAsync(['run'], dir);
    expect(second.code).to.equal(2);
    expect(second.stderr).to.equal(
      `rxproc: another rxproc run (pid ${first.child.pid}, ${dir}/rxproc.yaml) is already running in ${dir}: stop it with "rxproc stop", or run from another folder\n`,
    );
    expect((await rxprocAsync(['ps'], dir)).code, 'the first run goes on').to.equal(0);

    const pids = [...pidsOf(first.seen, 'db'), ...pidsOf(first.seen, 'web')];
    first.child.kill('SIGKILL');
    await first.exited;
    // (its tasks go with it: the watchdog)
    expect(await eventually(() => pids.every((pid) => !isAlive(pid)), 20000)).to.equal(true);
    const stale = await rxprocAsync(['ps'], dir);
    expect([stale.code, stale.stderr]).to.deep.equal([
      3,
      `rxproc: no rxproc run in ${dir} (the last one ended without removing its control socket; the next run replaces it)\n`,
    ]);
    const stopped = await rxprocAsync(['stop', 'web'], dir);
    expect(stopped.code).to.equal(3);

    const next = launch(dir);
    expect(await eventually(() => index(next.seen, { task: 'web', event: 'spawn' }) !== -1, 20000)).to.equal(true);
    const end = await rxprocAsync(['stop'], dir);
    expect([end.code, end.stdout]).to.deep.equal([0, 'stopped the run (exit code 0)\n']);
    expect(await next.exited).to.equal(0);
  });

  it('runs a command named like a subcommand after --; an unsafe control folder leaves the run without control commands, not refused', () => {
    const dir = make(SERVICES);
    const quick = rxproc(['--json', '--', 'ps', 'echo hi'], dir);
    expect(quick.code, quick.stderr).to.equal(0);
    const ended = events(quick.stdout).filter((e) => e.event === 'exit');
    expect(ended.map((e) => `${String(e.task)} ${String(e.exitCode)}`).sort()).to.deep.equal(['echo 0', 'ps 0']);

    const open = mkdtempSync(join(tmpdir(), 'rxproc-open-'));
    mkdirSync(join(open, 'rxproc'), { mode: 0o755 });
    chmodSync(join(open, 'rxproc'), 0o755);
    try {
      const unsafe = rxproc(['echo fine'], dir, { XDG_RUNTIME_DIR: open });
      expect(unsafe.code, unsafe.stderr).to.equal(0);
      expect(unsafe.stdout).to.include(
        `rxproc | no control socket (${open}/rxproc can be entered by other users (mode 755): rxproc keeps its control sockets there (chmod 700 it)): rxproc ps, stop and the other commands cannot reach this run\n`,
      );
      expect(unsafe.stdout).to.include('echo   | fine\n');
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
  });
});
