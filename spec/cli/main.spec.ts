import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventually, isAlive } from '../support/processes.js';
import { loadTaskFile, TaskFileError } from '../../packages/cli/src/loadTaskFile.js';
import { BIN, events, rxproc, startRxproc, taskDir } from './support.js';

const root = resolve(__dirname, '../..');
const dirs: string[] = [];
const make = (text: string, file?: string): string => {
  const dir = taskDir(text, file);
  dirs.push(dir);
  return dir;
};

describe('the rxproc CLI, end to end through the built bin', function () {
  this.timeout(60000);
  before(function () {
    this.timeout(60000);
    if (!existsSync(resolve(root, 'packages/cli/dist/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('--help and --version', () => {
    expect(rxproc(['--help'], root).stdout).to.match(/Usage: rxproc \[options\] \[command\] \[commands\.\.\.\]/);
    expect(rxproc(['--version'], root).stdout.trim()).to.equal('0.1.0');
  });

  it('starts a task once what it depends on is ready (ordering on readiness)', () => {
    const dir = make(`
tasks:
  db:
    sh: 'sleep 0.3; echo "ready to accept"; sleep 30'
    ready: "ready to accept"
  api:
    sh: 'echo api up'
    dependsOn: [db]
until: api
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const seen = events(stdout).map((e) => `${(e.task ?? '') as string}:${(e.event ?? e.stream) as string}`);
    expect(seen.indexOf('db:ready')).to.be.greaterThan(seen.indexOf('db:stdout'));
    expect(seen.indexOf('api:spawn')).to.be.greaterThan(seen.indexOf('db:ready'));
    expect(seen).to.include('db:stop');
  });

  it('restarts with backoff, then succeeds', () => {
    const dir = make(`
tasks:
  flaky:
    sh: 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 3 ]'
    restart: { when: on-failure, count: 5, delay: 50, backoff: 2 }
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const restarts = events(stdout).filter((e) => e.event === 'restart');
    expect(restarts.map((e) => [e.attempt, e.delayMs])).to.deep.equal([
      [1, 50],
      [2, 100],
    ]);
    const summary = events(stdout).find((e) => e.event === 'summary') as { exitCode: number; tasks: Array<{ restarts: number }> };
    expect(summary.tasks[0]!.restarts).to.equal(2);
  });

  it("the until task's exit code is rxproc's; a failing task fails the run, named", () => {
    const until = make(`
tasks:
  server: { sh: 'sleep 30' }
  test: { sh: 'echo testing; exit 3', dependsOn: [server] }
until: test
`);
    expect(rxproc(['run'], until).code).to.equal(3);
    const failing = make(`
tasks:
  build: { cmd: sh, args: [-c, 'echo broken >&2; exit 4'] }
  other: { sh: 'sleep 30' }
`);
    const { code, stdout } = rxproc(['run'], failing);
    expect(code).to.equal(1);
    expect(stdout).to.match(/build +! broken/);
    expect(stdout).to.match(/build failed: Command failed with exit code 4/);
    expect(stdout).to.match(/other +stopped by rxproc/);
  });

  it('a bad file: the message names the file, the line, the key and what was expected (exit 2)', () => {
    const dir = make(`tasks:
  api:
    cmd: node
    restart: { when: sometimes }
    redy: "x"
`);
    const { code, stderr } = rxproc(['run'], dir);
    expect(code).to.equal(2);
    expect(stderr).to.include(`rxproc.yaml:4: tasks.api.restart.when: expected one of "never", "on-failure", "always"`);
    expect(stderr).to.include(`rxproc.yaml:5: tasks.api: unknown key "redy"`);
    const shape = make(`tasks:\n  a:\n    sh: 'true'\n    ready: 5\n`);
    expect(rxproc(['run'], shape).stderr).to.include('rxproc.yaml:4: tasks.a.ready: expected string or object');
    const cycle = make(`tasks:
  a: { sh: 'true', dependsOn: [b] }
  b: { sh: 'true', dependsOn: [c] }
  c: { sh: 'true', dependsOn: [a] }
`);
    expect(rxproc(['run'], cycle).stderr).to.match(/rxproc\.yaml:2: tasks\.a\.dependsOn: dependsOn has a cycle: a → b → c → a/);
    const unknown = make(`tasks:\n  a: { sh: 'true', dependsOn: [nope] }\n`);
    expect(rxproc(['run'], unknown).stderr).to.include('no task named "nope"');
    expect(rxproc(['run'], make('tasks: [1, 2]\n')).stderr).to.match(/rxproc\.yaml:1: tasks: expected map, received array/);
    expect(rxproc(['run', 'missing.yaml'], root).stderr).to.match(/cannot read .*missing\.yaml/);
  });

  it('a line longer than 1 MiB is printed in pieces, not lost; a closed output stops the run quietly', () => {
    const dir = make(`tasks:\n  long: { sh: "head -c 3000000 /dev/zero | tr '\\\\0' x; echo; echo after" }\n`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const lines = events(stdout)
      .filter((e) => e.stream === 'stdout')
      .map((e) => String(e.line));
    // pieces of 1 MiB, nothing lost
    expect(lines.map((l) => l.length)).to.deep.equal([1048576, 1048576, 902848, 5]);
    expect(lines.at(-1)).to.equal('after');
    const flood = make(`tasks:\n  yes: { cmd: yes }\n`);
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" run | head -n 2`], { cwd: flood, encoding: 'utf8', timeout: 20000 });
    expect(piped.stderr).to.equal('');
    expect(piped.stdout.split('\n')).to.have.length(3);
  });

  it('reads rxproc.json when there is no rxproc.yaml', () => {
    const dir = make(JSON.stringify({ tasks: { hello: { cmd: 'echo', args: ['from json'] } } }), 'rxproc.json');
    const { code, stdout } = rxproc(['run'], dir);
    expect(code).to.equal(0);
    expect(stdout).to.match(/hello +\| from json/);
  });

  it('the quick form runs inline commands through sh -c', () => {
    const { code, stdout } = rxproc(["echo 'one'", 'echo two >&2'], root);
    expect(code).to.equal(0);
    expect(stdout).to.match(/echo +\| one/);
    expect(stdout).to.match(/echo-2 +! two/);
  });

  it('a pipeline task, and --json events parsed back', () => {
    const dir = make(`
tasks:
  count:
    sh: 'printf "b\\na\\nb\\n"'
    pipe: [{ cmd: sort }, { cmd: uniq, args: [-c] }]
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const lines = events(stdout)
      .filter((e) => e.stream === 'stdout')
      .map((e) => String(e.line).trim());
    expect(lines).to.deep.equal(['1 a', '2 b']);
    const summary = events(stdout).at(-1) as { event: string; exitCode: number };
    expect(summary).to.include({ event: 'summary', exitCode: 0 });
  });

  it("a pipe stage's from reads the stderr (or both outputs) of the stage before it; a bad from is a file error", () => {
    const dir = make(`
tasks:
  warnings:
    sh: 'echo built; echo "warning: a" >&2'
    pipe: [{ cmd: sed, args: [s/^/got /], from: stderr }]
  both:
    sh: 'echo built; echo "warning: a" >&2'
    pipe: [{ cmd: sort, from: all }]
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const out = (task: string): string[] =>
      events(stdout)
        .filter((e) => e.task === task && e.stream === 'stdout')
        .map((e) => String(e.line));
    expect(out('warnings')).to.deep.equal(['got warning: a']);
    expect(out('both')).to.deep.equal(['built', 'warning: a']);
    // the task's pid is its last stage's, reported once
    expect(events(stdout).filter((e) => e.task === 'warnings' && e.event === 'spawn')).to.have.length(1);
    const bad = rxproc(['run'], make(`tasks:\n  a:\n    sh: 'true'\n    pipe: [{ cmd: cat, from: both }]\n`));
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/tasks\.a\.pipe\.0\.from/);
  });

  it('a pipeline task: its upstream failure is its exit code, and the stop waits for every stage', () => {
    const failing = make(`tasks:\n  a: { sh: 'echo x; exit 3', pipe: [{ sh: cat }] }\nuntil: a\n`);
    const { code, stdout } = rxproc(['run'], failing);
    expect(code).to.equal(3);
    expect(stdout).to.match(/a +exit 3/);
    const ordered = make(`
tasks:
  db: { sh: 'exec sleep 30' }
  api: { sh: "trap '' TERM; echo up; while :; do sleep 0.05; done", pipe: [{ sh: 'exec cat' }], dependsOn: [db], killTimeout: 500 }
  e2e: { sh: 'sleep 0.3; echo done', dependsOn: [api] }
until: e2e
`);
    const run = rxproc(['run', '--json'], ordered);
    expect(run.code).to.equal(0);
    // db is stopped only after both stages of api are gone (the TERM-ignoring one after killTimeout)
    const stops = events(run.stdout)
      .filter((e) => e.event === 'stop')
      .map((e) => e.task);
    expect(stops).to.deep.equal(['api', 'db']);
  });

  it('a ready delay does not make a task that crashed ready; a bad env key is a file error', () => {
    // The crash comes before the ready delay, which then runs out during the restart backoff, where it
    // must not count. (A machine so loaded that `sh` outlives the delay makes the server ready while it
    // runs, which is right: so what is checked is the order of the events, not that it never happens.)
    const dir = make(`
tasks:
  server: { sh: 'exit 1', ready: { delay: 1500 }, restart: { delay: 2000, count: 1 } }
  client: { sh: 'echo started', dependsOn: [server] }
`);
    const { stdout } = rxproc(['run', '--json'], dir);
    const server = events(stdout)
      .filter((e) => e.task === 'server')
      .map((e) => String(e.event));
    let running = false;
    for (const event of server) {
      if (event === 'spawn') running = true;
      if (event === 'exit') running = false;
      if (event === 'ready') expect(running, `ready while not running: ${server.join(', ')}`).to.equal(true);
    }
    if (!server.includes('ready')) expect(events(stdout).some((e) => e.task === 'client' && e.event === 'spawn')).to.equal(false);
    const env = make(`tasks:\n  a: { sh: 'true', env: { 'A=B': x } }\n`);
    const bad = rxproc(['run'], env);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/rxproc\.yaml:2: tasks\.a\.env.*a variable name/);
  });

  it('SIGINT stops every task, dependents first, and leaves no process behind', async () => {
    const dir = make(`
tasks:
  db: { sh: 'echo ready; exec sleep 30', ready: ready }
  api: { sh: 'sleep 30 & echo up; wait', dependsOn: [db] }
`);
    const { child, seen, exited } = startRxproc(['run', '--json'], dir);
    await eventually(() => seen.some((e) => e.task === 'api' && e.stream === 'stdout'), 10000);
    const pids = seen.filter((e) => e.event === 'spawn').map((e) => Number(e.pid));
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    const order = seen.filter((e) => e.event === 'stop').map((e) => e.task);
    expect(order).to.deep.equal(['api', 'db']);
    expect(await eventually(() => !pids.some(isAlive), 2000)).to.equal(true);
  });

  it('a second Ctrl-C kills at once, even a task that ignores SIGTERM', async () => {
    const dir = make(`
tasks:
  stubborn: { sh: "trap '' TERM; echo up; while :; do sleep 0.1; done", killTimeout: 20000 }
`);
    const { child, seen, exited } = startRxproc(['run', '--json'], dir);
    await eventually(() => seen.some((e) => e.stream === 'stdout'), 10000);
    const pid = Number(seen.find((e) => e.event === 'spawn')!.pid);
    child.kill('SIGINT');
    await eventually(() => seen.some((e) => e.event === 'stop'));
    expect(isAlive(pid)).to.equal(true);
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(await eventually(() => !isAlive(pid), 2000)).to.equal(true);
  });

  it('the stop waits until every tree of a wave is gone (a grandchild ignoring SIGTERM: killed after killTimeout), then the summary', async () => {
    const dir = make(`
tasks:
  stubborn:
    sh: |
      sh -c 'trap "echo term >> got-term" TERM; echo $$$$; while :; do sleep 0.1; done' & wait
    killTimeout: 1500
`);
    // ($$$$: rxproc reads $$ as one "$", so the shell gets $$, its pid.)
    // The grandchild notes the SIGTERM in a file and lives on; only the SIGKILL after killTimeout ends it. So
    // if it is gone when the summary arrives (looked at as the record arrives), the stop waited for it.
    let grandchild = 0;
    let aliveAtSummary: boolean | undefined;
    const { child, seen, exited } = startRxproc(['run', '--json'], dir, (record) => {
      if (record.stream === 'stdout' && grandchild === 0) grandchild = Number(record.line);
      if (record.event === 'summary') aliveAtSummary = isAlive(grandchild);
    });
    await eventually(() => grandchild !== 0, 10000);
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(readFileSync(resolve(dir, 'got-term'), 'utf8'), 'the grandchild got SIGTERM and lived on').to.contain('term');
    expect(aliveAtSummary).to.equal(false);
    expect(isAlive(grandchild)).to.equal(false);
    expect(seen.at(-1)).to.include({ event: 'summary' });
  });

  it('each process is checked by spawn$ at load time: a bad host is a file error naming the task (exit 2), and nothing runs', () => {
    const marker = resolve(make('tasks: {}\n'), 'ran');
    const dir = make(`
tasks:
  first: { sh: 'touch ${marker}' }
  web:
    sh: 'true'
    pipe:
      - cmd: cat
        host: { host: web1, port: 70000 }
`);
    const { code, stderr } = rxproc(['run'], dir);
    expect(code).to.equal(2);
    expect(stderr).to.match(/rxproc\.yaml:8: tasks\.web\.pipe\.0\.host\.port: option "host\.port" must be a port number from 1 to 65535, got 70000/);
    expect(existsSync(marker), 'nothing ran').to.equal(false);
    const unknown = rxproc(['run'], make(`tasks:\n  api:\n    cmd: 'true'\n    host: { host: web1, colour: blue }\n`));
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/rxproc\.yaml:4: tasks\.api\.host\.colour: unknown option "host\.colour"/);
    const uid = rxproc(['run'], make(`tasks:\n  api:\n    cmd: 'true'\n    host: 'web1'\n    killTimeout: -1\n`));
    expect(uid.code).to.equal(2);
    expect(uid.stderr).to.match(/tasks\.api\.killTimeout/);
    const sshPath = rxproc(['run'], make(`tasks:\n  api: { cmd: 'true', host: { host: web1, sshPath: /tmp/evil } }\n`));
    expect(sshPath.code).to.equal(2);
    expect(sshPath.stderr).to.include('tasks.api.host.sshPath: cannot be set in a task file');
    expect(rxproc(['run'], make(`tasks:\n  api: { cmd: 'true', host: 5 }\n`)).stderr).to.match(/tasks\.api\.host: expected string or map/);
  });
});

describe('the task file schema (through src/cli/loadTaskFile.ts)', () => {
  const load = (text: string, file = 'rxproc.yaml'): { path: string; error: unknown; result: unknown } => {
    const path = resolve(make(text, file), file);
    try {
      return { path, error: undefined, result: loadTaskFile(path) };
    } catch (error) {
      return { path, error, result: undefined };
    }
  };
  after(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  for (const name of ['__proto__', 'constructor', 'prototype']) {
    it(`refuses the task name ${name} with a file:line error instead of dropping the task (YAML and JSON)`, () => {
      const yaml = load(`tasks:\n  ok:\n    cmd: "true"\n  ${name}:\n    cmd: "false"\n`);
      expect(yaml.error).to.be.instanceOf(TaskFileError);
      expect((yaml.error as Error).message)
        .to.include(`${yaml.path}:4: tasks.${name}: "${name}" is not valid:`)
        .and.include('reserved');
      const json = load(`{"tasks": {"ok": {"cmd": "true"}, "${name}": {"cmd": "false"}}}\n`, 'rxproc.json');
      expect(json.error).to.be.instanceOf(TaskFileError);
      expect((json.error as Error).message).to.include(`tasks.${name}: "${name}" is not valid:`);
      const until = load(`tasks:\n  ok:\n    cmd: "true"\nuntil: ${name}\n`);
      expect((until.error as Error).message)
        .to.include(`${until.path}:4: until:`)
        .and.include('reserved');
      const dependsOn = load(`tasks:\n  ok:\n    cmd: "true"\n    dependsOn:\n      ${name}: ready\n`);
      expect((dependsOn.error as Error).message).to.include(`tasks.ok.dependsOn.${name}: "${name}" is not valid:`);
    });
  }

  it('still accepts names that merely contain them', () => {
    const { error, result } = load(`tasks:\n  proto:\n    cmd: "true"\n  my_constructor:\n    cmd: "true"\n  __proto:\n    cmd: "true"\n`);
    expect(error).to.equal(undefined);
    expect(Object.keys((result as { tasks: object }).tasks)).to.deep.equal(['proto', 'my_constructor', '__proto']);
  });
});
