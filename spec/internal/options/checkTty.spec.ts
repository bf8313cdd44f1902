import { expect } from 'chai';
import { of } from 'rxjs';
import { pipeTo, spawn$, type SpawnOptions } from '../../../packages/rxproc/src/index.js';

/** Calls spawn$ with options that the types may not allow (the point is the check at call time). */
const call = (options: unknown) => () => spawn$('true', options as SpawnOptions);

describe('tty: checked at call time (checkTty)', () => {
  it('accepts true, false and a size; the size is resolved with 80x24 as defaults', () => {
    expect(spawn$('true', { tty: false }).stages[0]!.options.tty).to.equal(undefined);
    expect(spawn$('true', { tty: true }).stages[0]!.options.tty).to.deep.equal({ cols: 80, rows: 24 });
    expect(spawn$('true', { tty: { cols: 120 } }).stages[0]!.options.tty).to.deep.equal({ cols: 120, rows: 24 });
    expect(spawn$('true', { tty: { rows: 1, cols: 65535 } }).stages[0]!.options.tty).to.deep.equal({ cols: 65535, rows: 1 });
  });

  for (const bad of ['yes', 1, null, [], { cols: 0 }, { rows: 1.5 }, { cols: 65536 }, { cols: '80' }, { colums: 80 }]) {
    it(`refuses tty: ${JSON.stringify(bad)} with a TypeError naming the option`, () => {
      expect(call({ tty: bad })).to.throw(TypeError, /option "tty" must be a boolean or \{ cols\?: number, rows\?: number \}/);
    });
  }

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['host', { host: 'example' }, /with "host"/],
    ['ipc', { ipc: true }, /with "ipc"/],
    ['argv0', { argv0: 'name' }, /with "argv0"/],
    ["stdin: 'inherit'", { stdin: 'inherit' }, /with stdin: 'inherit'/],
    ['a stdout file', { stdout: { file: '/tmp/x' } }, /with a "stdout" other than 'pipe'/],
    ['a stderr file', { stderr: { file: '/tmp/x' } }, /with a "stderr" other than 'pipe'/],
    ["stdout: 'inherit'", { stdout: 'inherit' }, /with a "stdout" other than 'pipe'/],
    ["stderr: 'ignore'", { stderr: 'ignore' }, /with a "stderr" other than 'pipe'/],
  ];
  for (const [what, options, message] of refused) {
    it(`refuses tty with ${what}`, () => {
      expect(call({ tty: true, ...options })).to.throw(TypeError, message);
    });
  }

  it('accepts the stdin sources a terminal can be typed from', () => {
    for (const stdin of ['text', new Uint8Array([1]), of('a'), 'ignore']) expect(call({ tty: true, stdin })).not.to.throw();
  });

  it('refuses a tty process whose output pipeTo would hand to the next process, in every from', () => {
    for (const from of ['stdout', 'stderr', 'all'] as const) {
      expect(() => spawn$('ls', { tty: true }).pipe(pipeTo('cat', { from }))).to.throw(TypeError, /runs in a terminal \(option "tty"\)/);
    }
  });

  it('accepts tty on the last process of a pipeline: the upstream output is typed into its terminal', () => {
    expect(() => spawn$('ls').pipe(pipeTo('cat', { tty: true }))).not.to.throw();
  });
});
