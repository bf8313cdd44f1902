import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { colourEnv, withColourEnv } from '../../packages/cli/src/colourEnv.js';
import { eventually } from '../support/processes.js';
import { BIN, rxproc, taskDir } from './support.js';

describe("tasks' colours: FORCE_COLOR when rxproc's stdout is a colour terminal", function () {
  this.timeout(60000);

  describe('the decision (colourEnv, withColourEnv)', () => {
    const term = { TERM: 'xterm-256color' };
    it('sets FORCE_COLOR by the depth of a colour terminal', () => {
      expect(colourEnv(term, true, 4, false)).to.deep.equal({ FORCE_COLOR: '1' });
      expect(colourEnv(term, true, 8, false)).to.deep.equal({ FORCE_COLOR: '2' });
      expect(colourEnv(term, true, 24, false)).to.deep.equal({ FORCE_COLOR: '3' });
    });

    it('adds nothing without a colour terminal, with --json, or when rxproc’s env says FORCE_COLOR or NO_COLOR', () => {
      expect(colourEnv(term, false, 8, false), 'a pipe').to.deep.equal({});
      expect(colourEnv(term, true, 1, false), 'a terminal without colours').to.deep.equal({});
      expect(colourEnv({ TERM: 'dumb' }, true, 8, false), 'TERM=dumb').to.deep.equal({});
      expect(colourEnv(term, true, 8, true), '--json').to.deep.equal({});
      expect(colourEnv({ ...term, NO_COLOR: '1' }, true, 8, false), 'NO_COLOR').to.deep.equal({});
      expect(colourEnv({ ...term, FORCE_COLOR: '0' }, true, 8, false), 'FORCE_COLOR=0 is inherited as it is').to.deep.equal({});
    });

    it("leaves a task's own FORCE_COLOR or NO_COLOR alone", () => {
      const extra = { FORCE_COLOR: '2' };
      expect(withColourEnv({ cwd: '/' }, extra)).to.deep.equal({ cwd: '/', env: { FORCE_COLOR: '2' } });
      expect(withColourEnv({ env: { A: 'b' } }, extra)).to.deep.equal({ env: { FORCE_COLOR: '2', A: 'b' } });
      expect(withColourEnv({ env: { FORCE_COLOR: '0' } }, extra)).to.deep.equal({ env: { FORCE_COLOR: '0' } });
      expect(withColourEnv({ env: { NO_COLOR: '1' } }, extra)).to.deep.equal({ env: { NO_COLOR: '1' } });
      expect(withColourEnv({ env: { A: 'b' } }, {})).to.deep.equal({ env: { A: 'b' } });
    });
  });

  it('through a pipe, a task gets no FORCE_COLOR', () => {
    const dir = taskDir(`tasks:\n  a: { sh: 'echo "FC=[$\${FORCE_COLOR-unset}]"' }\n`);
    try {
      const { stdout } = rxproc(['run'], dir, { FORCE_COLOR: undefined, NO_COLOR: undefined });
      expect(stdout).to.match(/^a +\| FC=\[unset\]$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('under a real terminal (tmux)', () => {
    const socket = `rxproc-colours-${process.pid}`;
    const tmux = (...args: string[]): string => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).stdout ?? '';
    let dir = '';
    before(function () {
      if (spawnSync('tmux', ['-V']).status !== 0) this.skip();
      dir = taskDir(`
tasks:
  plain: { sh: 'echo "plain FC=[$\${FORCE_COLOR-unset}]"' }
  own: { sh: 'echo "own FC=[$\${FORCE_COLOR-unset}]"', env: { FORCE_COLOR: '0' } }
  nocolor: { sh: 'echo "nocolor FC=[$\${FORCE_COLOR-unset}]"', env: { NO_COLOR: '1' } }
`);
    });
    afterEach(() => {
      tmux('kill-server');
    });
    after(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('gives FORCE_COLOR (256 colours: 2) to a task, not to one whose env sets FORCE_COLOR or NO_COLOR', async () => {
      const env = `env -u NO_COLOR -u FORCE_COLOR TERM=xterm-256color`;
      const command = `cd ${dir} && ${env} ${process.execPath} ${BIN} run; echo "EXIT=$?"; sleep 60`;
      tmux('new-session', '-d', '-s', 'colours', '-x', '120', '-y', '30', command);
      const screen = (): string => tmux('capture-pane', '-p', '-t', 'colours');
      expect(await eventually(() => screen().includes('EXIT='), 20000), screen()).to.equal(true);
      expect(screen()).to.match(/plain FC=\[2\]/);
      expect(screen()).to.match(/own FC=\[0\]/);
      expect(screen()).to.match(/nocolor FC=\[unset\]/);
    });
  });
});
