import { expect } from 'chai';
import { pipeTo, spawn$, type SpawnOptions } from '../../../packages/rxproc/src/index.js';
import { outcome, output } from '../../support/outcome.js';

describe('spawnChild: argv0', () => {
  it("sets the name the process sees as argv[0]: sh -c 'echo $0' prints it", async () => {
    const { events, completed } = await outcome(spawn$('sh', ['-c', 'echo $0'], { argv0: 'custom' }));
    expect(completed).to.equal(true);
    expect(output(events)).to.equal('custom\n');
  });

  it("a Node script's process.argv0 is it; the program run is still the command", async () => {
    const { events } = await outcome(spawn$(process.execPath, ['-e', 'console.log(process.argv0, process.execPath)'], { argv0: 'my-worker' }));
    expect(output(events)).to.equal(`my-worker ${process.execPath}\n`);
  });

  it('without it, argv[0] is the command as given: nothing changes', async () => {
    const { events } = await outcome(spawn$('sh', ['-c', 'echo $0']));
    expect(output(events)).to.equal('sh\n');
  });

  it('a pipeline stage takes it too', async () => {
    const { events, completed } = await outcome(spawn$('echo', ['in']).pipe(pipeTo('sh', ['-c', 'cat >/dev/null; echo $0'], { argv0: 'stage' })));
    expect(completed).to.equal(true);
    expect(output(events)).to.equal('stage\n');
  });

  describe('bad input: a TypeError at call time', () => {
    const cases: Array<[string, SpawnOptions, RegExp]> = [
      ['empty', { argv0: '' }, /option "argv0" must be a non-empty string without NUL/],
      ['with a NUL byte', { argv0: 'a\0b' }, /option "argv0" must be a non-empty string without NUL/],
      ['not a string', { argv0: 5 as never }, /option "argv0" must be a non-empty string without NUL/],
      ['with host', { argv0: 'x', host: 'example.org' }, /option "argv0" cannot be used with "host"/],
    ];
    for (const [name, options, message] of cases) {
      it(name, () => {
        expect(() => spawn$('true', options)).to.throw(TypeError, message);
        expect(() => spawn$('true').pipe(pipeTo('cat', options))).to.throw(TypeError, message);
      });
    }
  });
});
