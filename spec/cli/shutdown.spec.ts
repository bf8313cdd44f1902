import { expect } from 'chai';
import { eventually } from '../support/processes.js';
import { events, rxproc, startRxproc, useTaskDirs } from './support.js';

const said = (stdout: string, task: string): string[] =>
  events(stdout)
    .filter((e) => e.task === task && typeof e.line === 'string')
    .map((e) => e.line as string);
const messages = (stdout: string): string[] => events(stdout).flatMap((e) => (typeof e.message === 'string' ? [e.message] : []));

describe('rxproc run: stopping you can see, and stop commands (through the built bin)', function () {
  this.timeout(60000);
  const make = useTaskDirs();

  it("shows a task's last words and its exit when rxproc stops it; its result stays 'stopped by rxproc'", () => {
    const dir = make(`
tasks:
  api:
    sh: "trap 'echo closing connections; echo bye >&2; exit 0' TERM; echo up; while :; do sleep 0.05; done"
    ready: up
  check: { sh: 'echo checked', dependsOn: [api] }
until: check
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const all = events(stdout);
    expect(said(stdout, 'api')).to.include.members(['closing connections', 'bye']);
    const stop = all.findIndex((e) => e.task === 'api' && e.event === 'stop');
    const last = all.findIndex((e) => e.line === 'closing connections');
    const exit = all.findIndex((e) => e.task === 'api' && e.event === 'exit');
    expect(stop).to.be.greaterThan(-1);
    expect(last).to.be.greaterThan(stop);
    expect(exit).to.be.greaterThan(last);
    expect(all[exit]).to.include({ exitCode: 0 });
    const summary = all.find((e) => e.event === 'summary') as { tasks: Array<{ task: string; result: string }> };
    expect(summary.tasks.find((t) => t.task === 'api')!.result).to.equal('stopped by rxproc');
  });

  it('runs the stop command first, shows its output under the task, and the task ends on it without a signal', () => {
    const dir = make(`
tasks:
  api:
    sh: "trap 'echo got SIGTERM' TERM; echo up; while [ ! -f stop-now ]; do sleep 0.05; done; echo stopping on request"
    ready: up
    stop: { sh: 'echo asking api to stop; touch stop-now' }
    killTimeout: 20000
  check: { sh: 'echo checked', dependsOn: [api] }
until: check
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const lines = said(stdout, 'api');
    expect(lines).to.include('asking api to stop');
    expect(lines).to.include('stopping on request');
    expect(lines, 'killSignal was never needed').not.to.include('got SIGTERM');
    expect(lines.indexOf('asking api to stop')).to.be.lessThan(lines.indexOf('stopping on request'));
    expect(events(stdout).find((e) => e.task === 'api' && e.event === 'exit')).to.include({ exitCode: 0, signal: null });
  });

  it('reports a failing stop command, then sends killSignal at once', () => {
    const dir = make(`
tasks:
  api:
    sh: "trap 'echo got SIGTERM; exit 0' TERM; echo up; while :; do sleep 0.05; done"
    ready: up
    stop: { cmd: sh, args: [-c, 'echo cannot stop >&2; exit 3'] }
    killTimeout: 20000
  check: { sh: 'echo checked', dependsOn: [api] }
until: check
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    expect(said(stdout, 'api')).to.include.members(['cannot stop', 'got SIGTERM']);
    expect(events(stdout).find((e) => e.event === 'stop-failed')).to.deep.include({ task: 'api', error: 'exit code 3' });
  });

  it('bounds a stop command that hangs and a task that ignores SIGTERM by killTimeout, naming the task while it waits', () => {
    const dir = make(`
tasks:
  stubborn:
    sh: "trap 'echo ignoring SIGTERM' TERM; echo up; while :; do sleep 0.05; done"
    ready: up
    stop: { sh: 'echo trying; exec sleep 60' }
    killTimeout: 1500
  check: { sh: 'echo checked', dependsOn: [stubborn] }
until: check
`);
    const started = Date.now();
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    // Bounded: two killTimeouts (the stop command's, then SIGTERM to SIGKILL), not the command's 60 s.
    expect(Date.now() - started).to.be.lessThan(40000);
    const failure = events(stdout).find((e) => e.event === 'stop-failed');
    expect(failure?.error).to.match(/did not end within killTimeout \(1500 ms\)/);
    expect(said(stdout, 'stubborn')).to.include.members(['trying', 'ignoring SIGTERM']);
    expect(events(stdout).find((e) => e.task === 'stubborn' && e.event === 'exit')).to.include({ signal: 'SIGKILL' });
    expect(
      messages(stdout).some((m) => /^still stopping: stubborn \(\d+ s\)$/.test(m)),
      messages(stdout).join('\n'),
    ).to.equal(true);
  });

  it('on Ctrl-C shows the last words; a second Ctrl-C kills at once', async () => {
    const dir = make(`
tasks:
  slow:
    sh: "trap 'echo shutting down slowly' INT; echo up; while :; do sleep 0.05; done"
    killSignal: SIGINT
    killTimeout: 30000
`);
    const run = startRxproc(['run', '--json'], dir);
    expect(await eventually(() => run.seen.some((e) => e.line === 'up'), 20000)).to.equal(true);
    run.child.kill('SIGINT');
    expect(await eventually(() => run.seen.some((e) => e.line === 'shutting down slowly'), 20000)).to.equal(true);
    run.child.kill('SIGINT');
    expect(await run.exited).to.equal(130);
    expect(run.seen.some((e) => e.message === 'killing every task now (SIGKILL)')).to.equal(true);
  });

  it('refuses a bad stop command with exit 2, naming the file, line and key', () => {
    for (const [value, expected] of [
      ["{ sh: 'x', cmd: y }", /rxproc\.yaml:5: tasks\.a\.stop: needs exactly one of "cmd" \(with "args"\) or "sh"/],
      ['{ run: x }', /rxproc\.yaml:5: tasks\.a\.stop: unknown key "run"/],
      ["'echo bye'", /rxproc\.yaml:5: tasks\.a\.stop: expected object/],
    ] as const) {
      const dir = make(`
tasks:
  a:
    sh: 'sleep 1'
    stop: ${value}
`);
      const { code, stderr } = rxproc(['run'], dir);
      expect(code, value).to.equal(2);
      expect(stderr, value).to.match(expected);
    }
  });
});
