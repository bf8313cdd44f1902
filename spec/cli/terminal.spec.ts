import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { eventually } from '../support/processes.js';
import { BIN, taskDir } from './support.js';

/** tmux on a private socket (its own server, so it inherits this test's environment). */
const socket = `rxproc-spec-${process.pid}`;
const tmux = (...args: string[]): string => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).stdout ?? '';
const screen = (escapes = false): string => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'demo');

describe('the rxproc CLI under a real terminal (tmux)', function () {
  this.timeout(60000);
  let dir = '';

  before(function () {
    if (spawnSync('tmux', ['-V']).status !== 0) this.skip();
    dir = taskDir(`
tasks:
  db: { sh: 'echo "db ready"; exec sleep 60', ready: "db ready" }
  web: { sh: 'echo "web listening"; echo "a warning" >&2; exec sleep 60', dependsOn: [db] }
`);
  });

  // An inner afterEach runs before the global leak check: the tmux server and its shell must be gone by then.
  afterEach(() => {
    tmux('kill-server');
  });

  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('colours each task, marks stderr, and shuts down cleanly on Ctrl-C', async () => {
    const env = `env -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color`;
    tmux('new-session', '-d', '-s', 'demo', '-x', '120', '-y', '30', `cd ${dir} && ${env} ${process.execPath} ${BIN} run; echo "EXIT=$?"; sleep 60`);
    expect(await eventually(() => screen().includes('a warning'), 15000), screen()).to.equal(true);
    const coloured = screen(true);
    // the task names are painted (an SGR colour sequence right before them), stderr carries a red "!"
    expect(coloured).to.match(/\x1b\[3\dm(?:db|web)/);
    expect(coloured).to.match(/\x1b\[31m!/);
    expect(screen()).to.match(/web +! a warning/);
    tmux('send-keys', '-t', 'demo', 'C-c');
    expect(await eventually(() => screen().includes('EXIT='), 15000), screen()).to.equal(true);
    const after = screen();
    expect(after).to.include('SIGINT: stopping every task');
    expect(after).to.match(/web +stopping[\s\S]*db +stopping/);
    expect(after).to.match(/summary:/);
    expect(after).to.include('EXIT=130');
  });
});
