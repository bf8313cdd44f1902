import { expect } from 'chai';
import { attachOutput } from '../../packages/rxproc/src/errors/attachOutput.js';
import { OutputLimitError, ProcessError } from '../../packages/rxproc/src/index.js';

const details = { command: 'x', args: [], pid: 1, durationMs: 1 };

describe('attachOutput', () => {
  it('gives a ProcessError or an OutputLimitError its output, not enumerable, read-only', () => {
    for (const error of [new ProcessError('m', details), new OutputLimitError('stdout', 'maxBuffer', 1)]) {
      expect(attachOutput(error, () => ({ stdout: 'o', stderr: 'e' }))).to.equal(error);
      expect(error.output).to.deep.equal({ stdout: 'o', stderr: 'e' });
      expect(Object.keys(error)).to.not.include('output');
      expect(() => {
        (error as { output: unknown }).output = 'x';
      }).to.throw(TypeError);
    }
  });

  it('keeps an output already attached (the innermost collectOutput saw the most)', () => {
    const error = new ProcessError('m', details);
    attachOutput(error, () => ({ stdout: 'inner', stderr: '' }));
    attachOutput(error, () => ({ stdout: '', stderr: '' }));
    expect(error.output).to.deep.equal({ stdout: 'inner', stderr: '' });
  });

  it('leaves other values alone, without computing the output', () => {
    for (const value of [new Error('e'), new TypeError('t'), 'text', undefined, Object.freeze({})]) {
      attachOutput(value, () => expect.fail('computed'));
      if (typeof value === 'object') expect(value).to.not.have.property('output');
    }
  });
});
