import { expect } from 'chai';
import { eventually, isAlive } from '../support/processes.js';
import { events, rxproc, startRxproc, useTaskDirs } from './support.js';

const IS_TTY = 'test -t 1 && echo terminal || echo pipe';

describe('rxproc run: tty (a terminal for a task)', function () {
  this.timeout(60_000);
  const make = useTaskDirs();

  it("the terminal is the task's own: its exec probe and its stop command run without one", () => {
    const dir = make(`tasks:
  term:
    sh: "trap 'exit 0' TERM; echo up; while :; do sleep 0.05; done"
    tty: true
    ready: { exec: 'test ! -t 0 && test ! -t 1', interval: 50, deadline: 20000 }
    stop: { sh: 'test -t 1 && echo stop-in-terminal || echo stop-in-pipe' }
  after: { sh: 'echo probed', dependsOn: [term] }
until: after
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const said = events(stdout).flatMap((e) => (typeof e.line === 'string' ? [e.line] : []));
    expect(said).to.include('probed');
    expect(said).to.include('stop-in-pipe');
  });

  it('a task with tty: true runs in a terminal, one without does not; the exit code counts as usual', () => {
    const dir = make(`tasks:
  term:
    sh: '${IS_TTY}; exit 4'
    tty: true
  plain:
    sh: '${IS_TTY}'
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    const lines = events(stdout).filter((e) => e.stream === 'stdout');
    expect(lines.find((e) => e.task === 'term')).to.include({ line: 'terminal' });
    expect(lines.find((e) => e.task === 'plain')).to.include({ line: 'pipe' });
    expect(events(stdout).find((e) => e.task === 'term' && e.event === 'exit')).to.include({ exitCode: 4 });
    expect(code).to.equal(1);
  });

  it("a task's stderr comes through its terminal, as its output", () => {
    const { code, stdout } = rxproc(['run', '--json'], make(`tasks:\n  t: { sh: 'echo oops >&2', tty: true }\n`));
    expect(code).to.equal(0);
    expect(events(stdout).filter((e) => e.task === 't' && e.line !== undefined)).to.deep.equal([
      { task: 't', pid: events(stdout)[0]!.pid, stream: 'stdout', line: 'oops' },
    ]);
  });

  it('a stop (Ctrl-C) kills the tree of a tty task, a grandchild too', async () => {
    const dir = make(`tasks:\n  server:\n    sh: 'sleep 300 & echo $!; wait'\n    tty: true\n`);
    let grandchild = 0;
    const { child, exited } = startRxproc(['run', '--json'], dir, (record) => {
      if (record.stream === 'stdout' && grandchild === 0) grandchild = Number(record.line);
    });
    expect(await eventually(() => grandchild !== 0, 10_000)).to.equal(true);
    expect(isAlive(grandchild)).to.equal(true);
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(await eventually(() => !isAlive(grandchild), 5000)).to.equal(true);
  });

  it('a wrong tty value is a file error naming the line and key (exit 2)', () => {
    const bad = rxproc(['run'], make(`tasks:\n  a:\n    sh: 'true'\n    tty: yes-please\n`));
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('rxproc.yaml:4: tasks.a.tty: expected boolean, received string');
    const size = rxproc(['run'], make(`tasks:\n  a:\n    sh: 'true'\n    tty: { cols: 80 }\n`));
    expect(size.code).to.equal(2);
    expect(size.stderr).to.include('rxproc.yaml:4: tasks.a.tty: expected boolean');
  });

  it('tty with pipe, or with host, is a file error at the tty key (exit 2)', () => {
    const piped = rxproc(['run'], make(`tasks:\n  a:\n    sh: 'echo x'\n    tty: true\n    pipe: [{ cmd: cat }]\n`));
    expect(piped.code).to.equal(2);
    expect(piped.stderr).to.include('rxproc.yaml:4: tasks.a.tty: cannot be used with "pipe"');
    const remote = rxproc(['run'], make(`tasks:\n  a:\n    sh: 'true'\n    host: web1\n    tty: true\n`));
    expect(remote.code).to.equal(2);
    expect(remote.stderr).to.match(/rxproc\.yaml:5: tasks\.a\.tty: option "tty" cannot be used with "host"/);
  });
});
