import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { useSshd } from '../support/sshd.js';
import { events, rxproc, taskDir } from './support.js';

describe('the rxproc CLI: tasks on a remote host (host:)', function () {
  this.timeout(60_000);
  const sshd = useSshd();
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const make = (text: string): string => {
    const dir = taskDir(text);
    dirs.push(dir);
    return dir;
  };

  it('runs a task there, with its cwd there, and a pipe stage here', () => {
    const { host, configFile } = sshd().host;
    const dir = make(`
tasks:
  remote:
    host: { host: ${host}, configFile: ${configFile} }
    cwd: /tmp
    sh: 'echo "$(id -un) in $PWD"'
    pipe: [{ cmd: tr, args: [a-z, A-Z] }]
`);
    const { code, stdout } = rxproc(['run', '--json'], dir);
    expect(code).to.equal(0);
    const lines = events(stdout)
      .filter((e) => e.stream === 'stdout')
      .map((e) => e.line);
    expect(lines).to.deep.equal([`${sshd().user.toUpperCase()} IN /TMP`]);
  });

  it('a host the ssh client cannot reach fails the task with the connection error', () => {
    const { host, configFile } = sshd().host;
    const dir = make(`
tasks:
  unreachable:
    host: { host: ${host}, configFile: ${configFile}, port: 1 }
    cmd: 'true'
`);
    const { code, stdout, stderr } = rxproc(['run'], dir);
    expect(code).to.equal(1);
    expect(stdout + stderr).to.contain('Connection refused');
  });

  it('a bad host is a file error (exit 2) that names the key', () => {
    const dir = make(`
tasks:
  bad:
    host: '-oProxyCommand=evil'
    cmd: 'true'
`);
    const { code, stderr } = rxproc(['run'], dir);
    expect(code).to.equal(2);
    expect(stderr).to.contain('tasks.bad.host').and.contain('ssh destination');
    const env = rxproc(
      ['run'],
      make(`
tasks:
  remote-env:
    host: web1
    env: { A-B: x }
    cmd: 'true'
`),
    );
    expect(env.code).to.equal(2);
    expect(env.stderr).to.contain('A-B').and.contain('remote shell');
  });
});
