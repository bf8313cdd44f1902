import { expect } from 'chai';
import { colorWanted, Reporter } from '../../packages/cli/src/reporter.js';

function capture(json: boolean, color = false): { reporter: Reporter; out: string[] } {
  const out: string[] = [];
  return { reporter: new Reporter(['db', 'web-server'], json, color, (text) => out.push(text)), out };
}

describe('Reporter', () => {
  it('colours only on a terminal, unless NO_COLOR or FORCE_COLOR say otherwise', () => {
    expect(colorWanted({}, true)).to.equal(true);
    expect(colorWanted({}, false)).to.equal(false);
    expect(colorWanted({ TERM: 'dumb' }, true)).to.equal(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).to.equal(false);
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).to.equal(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).to.equal(false);
    expect(colorWanted({ FORCE_COLOR: 'false', NO_COLOR: '' }, true)).to.equal(false);
    expect(colorWanted({ FORCE_COLOR: '0', NO_COLOR: '1' }, true)).to.equal(false);
  });

  it('prefixes each whole line with its task, aligned, stderr marked', () => {
    const { reporter, out } = capture(false);
    reporter.line('db', 'stdout', 'ready', 1);
    reporter.line('web-server', 'stderr', 'oops', 2);
    reporter.info('stopping');
    expect(out).to.deep.equal(['db         | ready\n', 'web-server ! oops\n', 'rxproc     | stopping\n']);
  });

  it('paints task names in stable colours when asked', () => {
    const { reporter, out } = capture(false, true);
    reporter.line('db', 'stdout', 'x', 1);
    reporter.line('web-server', 'stdout', 'y', 2);
    expect(out[0]).to.match(/^\x1b\[36mdb/);
    expect(out[1]).to.match(/^\x1b\[35mweb-server/);
  });

  it('--json: one object per line', () => {
    const { reporter, out } = capture(true);
    reporter.line('db', 'stdout', 'ready', 7);
    reporter.event('db', 'exit', { pid: 7, exitCode: 0, signal: null }, 'exited');
    reporter.summary([{ task: 'db', result: 'exit 0', exitCode: 0, signal: null, restarts: 0, durationMs: 5, cpuMs: 12.4, peakMemoryBytes: 1024 }], 0);
    expect(out.map((line) => JSON.parse(line) as unknown)).to.deep.equal([
      { task: 'db', pid: 7, stream: 'stdout', line: 'ready' },
      { task: 'db', event: 'exit', pid: 7, exitCode: 0, signal: null },
      {
        event: 'summary',
        exitCode: 0,
        tasks: [{ task: 'db', result: 'exit 0', exitCode: 0, signal: null, restarts: 0, durationMs: 5, cpuMs: 12, peakMemoryBytes: 1024 }],
      },
    ]);
  });
});
