import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { closest } from '../../packages/cli/src/didYouMean.js';
import { rxproc, taskDir } from './support.js';

const root = resolve(__dirname, '../..');
const dirs: string[] = [];

/** Runs the built bin on a task file; returns its exit code and its stderr's lines, `FILE` for the file's path. */
function check(yaml: string): { code: number | null; lines: string[] } {
  const dir = taskDir(yaml);
  dirs.push(dir);
  const { code, stderr } = rxproc(['run'], dir);
  return { code, lines: stderr.split(resolve(dir, 'rxproc.yaml')).join('FILE').split('\n').filter(Boolean) };
}

describe('rxproc run: errors in the task file that finish the job, end to end through the built bin', function () {
  this.timeout(60000);
  before(function () {
    if (!existsSync(resolve(root, 'packages/cli/dist/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('an unknown key: "did you mean" the closest key of that map, each unknown key on its own line', () => {
    const { code, lines } = check(`tasks:
  api:
    sh: 'true'
    redy: up
    depends_on: [db]
    restart: { when: always, cunt: 3 }
    wibble: 1
  db: { cmd: 'true' }
untill: api
`);
    expect(code).to.equal(2);
    expect(lines).to.deep.equal([
      'rxproc: FILE:4: tasks.api: unknown key "redy" (did you mean "ready"?)',
      'FILE:5: tasks.api: unknown key "depends_on" (did you mean "dependsOn"?)',
      'FILE:6: tasks.api.restart: unknown key "cunt" (did you mean "count"?)',
      // nothing close enough: no guess
      'FILE:7: tasks.api: unknown key "wibble"',
      'FILE:9: (top level): unknown key "untill" (did you mean "until"?)',
    ]);
  });

  it('"did you mean" forgives case, "_" and "-", then allows one edit in three characters', () => {
    const keys = ['cmd', 'args', 'sh', 'ready', 'dependsOn', 'killSignal', 'killTimeout', 'envFile'];
    expect(closest('KILL_SIGNAL', keys)).to.equal('killSignal');
    expect(closest('env-file', keys)).to.equal('envFile');
    expect(closest('kilTimout', keys)).to.equal('killTimeout');
    expect(closest('arg', keys)).to.equal('args');
    expect(closest('run', keys)).to.equal(undefined);
  });

  it('every problem of the file at once (more than five), in the file’s order, each with its line and key', () => {
    const { code, lines } = check(`tasks:
  a:
    cmd: node
    killSignal: SIGFOO
    killTimeout: -1
    env: { PORT: 3000 }
  b:
    sh: 'true'
    args: [x]
    restart: sometimes
  c: {}
until: 5
`);
    expect(code).to.equal(2);
    expect(lines).to.deep.equal([
      'rxproc: FILE:4: tasks.a.killSignal: expected one of "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2"',
      'FILE:5: tasks.a.killTimeout: Too small: expected number to be >=0',
      'FILE:6: tasks.a.env.PORT: expected string, received number',
      'FILE:9: tasks.b.args: "args" goes with "cmd", not with "sh"',
      'FILE:10: tasks.b.restart: expected "never" or "on-failure" or "always" or object',
      'FILE:11: tasks.c: needs exactly one of "cmd" (with "args") or "sh"',
      'FILE:12: until: expected string, received number',
    ]);
    // the task graph's problems, all of them too (checked once the file's shape is right)
    const graph = check(`tasks:
  a: { sh: 'true', dependsOn: [nope] }
  b: { sh: 'true', dependsOn: { gone: ready } }
until: zz
`);
    expect(graph.code).to.equal(2);
    expect(graph.lines).to.deep.equal([
      'rxproc: FILE:2: tasks.a.dependsOn: no task named "nope" (tasks: a, b)',
      'FILE:3: tasks.b.dependsOn: no task named "gone" (tasks: a, b)',
      'FILE:4: until: no task named "zz" (tasks: a, b)',
    ]);
  });

  it('an invalid regular expression: what is wrong with it, in the engine’s words', () => {
    const { code, lines } = check(`tasks:
  a: { sh: 'true', ready: 'listening on (port' }
  b: { sh: 'true', ready: { pattern: 'x{2,1}' } }
  c: { sh: 'true', ready: '[z-a]' }
`);
    expect(code).to.equal(2);
    expect(lines).to.deep.equal([
      'rxproc: FILE:2: tasks.a.ready: not a valid regular expression: Unterminated group',
      'FILE:3: tasks.b.ready.pattern: not a valid regular expression: numbers out of order in {} quantifier',
      'FILE:4: tasks.c.ready: not a valid regular expression: Range out of order in character class',
    ]);
  });
});
