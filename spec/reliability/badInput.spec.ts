import { expect } from 'chai';
import { resolve } from 'node:path';
import { liveProcessCount, SpawnError, spawn$, type SpawnOptions } from '../../packages/rxproc/src/index.js';
import { outcome } from '../support/outcome.js';
import { markedProcesses } from '../support/processes.js';

const fixture = (name: string): string => resolve(__dirname, '../fixtures', name);

describe('reliability: bad input', () => {
  describe('invalid options: a TypeError when spawn$ is called, naming the option', () => {
    const cases: Array<[string, SpawnOptions]> = [
      ['killSignal', { killSignal: 'SIGOTHER' as never }],
      ['killSignal', { killSignal: 'sigterm' as never }],
      ['killSignal', { killSignal: 0 as never }],
      ['killSignal', { killSignal: -1 as never }],
      ['killSignal', { killSignal: NaN as never }],
      ['killTimeout', { killTimeout: -1 }],
      ['killTimeout', { killTimeout: NaN }],
      ['timeout', { timeout: -5 }],
      ['timeout', { timeout: NaN }],
    ];
    for (const [name, options] of cases) {
      it(`${name}: ${String(Object.values(options)[0])}`, () => {
        expect(() => spawn$('true', options)).to.throw(TypeError, new RegExp(`option "${name}" must be`));
        expect(liveProcessCount()).to.equal(0);
      });
    }
  });

  describe('input the system refuses: a SpawnError through the Observable, nothing spawned, no crash', () => {
    const cases: Array<[string, () => ReturnType<typeof spawn$>, string]> = [
      ['a NUL byte in the command', () => spawn$('tr\0ue'), 'ERR_INVALID_ARG_VALUE'],
      ['a NUL byte in an argument', () => spawn$('echo', ['\0']), 'ERR_INVALID_ARG_VALUE'],
      ['a NUL byte in an env value', () => spawn$('true', { env: { A: '\0' } }), 'ERR_INVALID_ARG_VALUE'],
      ['a NUL byte in the cwd', () => spawn$('true', { cwd: '/\0' }), 'ERR_INVALID_ARG_VALUE'],
      ['a 3 MB environment', () => spawn$('true', { env: { BIG: 'x'.repeat(3 * 1024 * 1024) } }), 'E2BIG'],
      ['a 200 KB argument', () => spawn$('echo', ['x'.repeat(200 * 1024)]), 'E2BIG'],
      ['a file that is not executable', () => spawn$(fixture('not-executable.sh')), 'EACCES'],
      ['a directory as the command', () => spawn$(fixture('')), 'EACCES'],
    ];
    for (const [name, make, code] of cases) {
      it(name, async () => {
        let subscribeThrew = false;
        let result: Awaited<ReturnType<typeof outcome>> | undefined;
        try {
          result = await outcome(make());
        } catch {
          subscribeThrew = true;
        }
        expect(subscribeThrew).to.equal(false);
        expect(result!.events).to.deep.equal([]);
        expect(result!.error).to.be.instanceOf(SpawnError).and.include({ code });
        expect(liveProcessCount()).to.equal(0);
        expect(markedProcesses()).to.deep.equal([]);
      });
    }
  });
  // EMFILE under `ulimit -n 64`: spec/errors/SpawnError.spec.ts.
});
