import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { events, rxproc, taskDir } from './support.js';

const root = resolve(__dirname, '../..');
const dirs: string[] = [];

/** A temp folder with `rxproc.yaml` and the other files given (paths relative to it). */
function project(yaml: string, files: Record<string, string> = {}): string {
  const dir = taskDir(yaml);
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(resolve(dir, name, '..'), { recursive: true });
    writeFileSync(resolve(dir, name), text);
  }
  return dir;
}

/** The stdout lines of each task of a `--json` run. */
function output(stdout: string): Record<string, string[]> {
  const lines: Record<string, string[]> = {};
  for (const e of events(stdout)) if (e.stream === 'stdout') (lines[String(e.task)] ??= []).push(String(e.line));
  return lines;
}

describe('rxproc run: .env, envFile and ${VAR}, end to end through the built bin', function () {
  this.timeout(60000);
  before(function () {
    if (!existsSync(resolve(root, 'packages/cli/dist/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('precedence, lowest first: rxproc’s environment, .env, the top-level envFile, the task’s envFile, the task’s env', () => {
    // Vn is set at the levels 0 to n: each shows the level that wins, to the shell ($Vn) and to ${Vn} alike.
    const dir = project(
      `envFile: top.env
tasks:
  all:
    sh: 'echo "$V0 $V1 $V2 $V3 $V4"; echo "\${V0} \${V1} \${V2} \${V3} \${V4}"'
    envFile: task.env
    env: { V4: env }
  plain:
    cmd: sh
    args: [-c, 'echo "$V3 $V4"']
`,
      {
        '.env': 'V1=dotenv\nV2=dotenv\nV3=dotenv\nV4=dotenv\n',
        'top.env': 'V2=top\nV3=top\nV4=top\n',
        'task.env': 'V3=task\nV4=task\n',
      },
    );
    const { code, stdout, stderr } = rxproc(['run', '--json'], dir, { V0: 'process', V1: 'process', V2: 'process', V3: 'process', V4: 'process' });
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = output(stdout);
    expect(lines.all).to.deep.equal(['process dotenv top task env', 'process dotenv top task env']);
    // a task without envFile and env gets .env and the top-level envFile
    expect(lines.plain).to.deep.equal(['top top']);
  });

  it('dotenv: false leaves .env unread; an envFile list is read in order (the later wins), relative to the task file', () => {
    const dir = project(
      `dotenv: false
tasks:
  show:
    cmd: echo
    args: ['\${FROM_DOTENV:-no .env}', '\${A}', '\${B}']
    envFile: [env/one.env, env/two.env]
`,
      { '.env': 'FROM_DOTENV=yes\n', 'env/one.env': 'A=one\nB=one\n', 'env/two.env': '# a comment\nexport B="two # not a comment"\n' },
    );
    // run from another folder: the files are found beside the task file all the same
    const { code, stdout } = rxproc(['run', '--json', resolve(dir, 'rxproc.yaml')], root);
    expect(code).to.equal(0);
    expect(output(stdout).show).to.deep.equal(['no .env one two # not a comment']);
  });

  it('${VAR:-default} in cmd, args, cwd and env: the default when unset or empty, the value when set', () => {
    const dir = project(
      `tasks:
  show:
    cmd: '\${PROGRAM:-sh}'
    args: [-c, 'echo "$GREETING from $(basename "$PWD")"']
    cwd: '\${SUB:-sub}'
    env: { GREETING: '\${EMPTY:-hello}, \${SET:-not used}' }
`,
      { 'sub/keep': '' },
    );
    const { code, stdout } = rxproc(['run', '--json'], dir, { EMPTY: '', SET: 'set' });
    expect(code).to.equal(0);
    expect(output(stdout).show).to.deep.equal(['hello, set from sub']);
  });

  it('$$ is one literal $: $$HOME and $${HOME} reach the shell as $HOME and ${HOME}, $$$$ as $$; $VAR and $(…) are left as written', () => {
    const dir = project(`tasks:
  show:
    sh: 'echo "$$HOME|$\${HOME}|$HOME|$(echo sub)|$((1+2))"; echo $$$$'
`);
    const { code, stdout } = rxproc(['run', '--json'], dir, { HOME: '/home/spec' });
    expect(code).to.equal(0);
    const [line, pid] = output(stdout).show!;
    expect(line).to.equal('/home/spec|/home/spec|/home/spec|sub|3');
    // the shell's own pid: the task's pid as rxproc reported it
    const spawned = events(stdout).find((e) => e.event === 'spawn');
    expect(Number(pid)).to.equal(spawned!.pid);
  });

  it('a YAML alias used by two tasks is read from each task’s own environment', () => {
    const dir = project(
      `tasks:
  one:
    cmd: sh
    args: &show [-c, 'echo "\${WHO} $$$$"']
    envFile: one.env
  two:
    cmd: sh
    args: *show
    envFile: two.env
`,
      { 'one.env': 'WHO=one\n', 'two.env': 'WHO=two\n' },
    );
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const pids = new Map(events(stdout).flatMap((e) => (e.event === 'spawn' ? [[String(e.task), Number(e.pid)] as const] : [])));
    expect(output(stdout)).to.deep.equal({ one: [`one ${pids.get('one')}`], two: [`two ${pids.get('two')}`] });
  });

  it('an undefined variable without a default is a file error naming the variable, the file, the line and the key; nothing runs', () => {
    const dir = project(`tasks:
  first: { sh: 'touch ran' }
  api:
    cmd: node
    args:
      - server.js
      - '--port=\${API_PORT}'
    env: { URL: 'http://\${API_HOST}:\${API_PORT}' }
`);
    const { code, stderr } = rxproc(['run'], dir);
    expect(code).to.equal(2);
    const file = resolve(dir, 'rxproc.yaml');
    expect(stderr).to.include(`${file}:7: tasks.api.args.1: \${API_PORT} is not set`);
    expect(stderr).to.include(`${file}:8: tasks.api.env.URL: \${API_HOST}, \${API_PORT} are not set`);
    expect(existsSync(resolve(dir, 'ran'))).to.equal(false);
  });

  it('bad input: a missing envFile, a ${…} form rxproc does not take, wrong types: exit 2 with file, line and key; a missing .env is fine', () => {
    const dir = project(`envFile: [here.env, nope.env]
dotenv: "no"
tasks:
  a:
    sh: 'echo \${x#y}'
    envFile: also-missing.env
  b:
    cmd: echo
    envFile: 5
  c:
    sh: 'echo \${OPEN'
`);
    writeFileSync(resolve(dir, 'here.env'), 'X=1\n');
    const { code, stderr } = rxproc(['run'], dir);
    expect(code).to.equal(2);
    const file = resolve(dir, 'rxproc.yaml');
    expect(stderr.split('\n').filter(Boolean)).to.deep.equal([
      `rxproc: ${file}:1: envFile.1: cannot read ${resolve(dir, 'nope.env')}: no such file`,
      `${file}:2: dotenv: expected boolean, received string`,
      `${file}:5: tasks.a.sh: "\${x#y}" is not a variable rxproc can read: it takes \${NAME} and \${NAME:-default} (write $\${x#y} to leave it to the shell)`,
      `${file}:6: tasks.a.envFile: cannot read ${resolve(dir, 'also-missing.env')}: no such file`,
      `${file}:9: tasks.b.envFile: expected string or array`,
      `${file}:11: tasks.c.sh: "\${OPEN…" has no closing "}" (write $\${ for a literal "\${")`,
    ]);
  });
});
