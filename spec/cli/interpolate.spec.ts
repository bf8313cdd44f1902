import { expect } from 'chai';
import { interpolate } from '../../packages/cli/src/interpolate.js';

const env = { A: 'a', EMPTY: '', PATHY: '/x/y' };

describe('interpolate: ${VAR}, ${VAR:-default} and $$ in the task file', () => {
  it('replaces ${VAR} and ${VAR:-default} (the default when unset or empty, as in the shell)', () => {
    expect(interpolate('${A}-${PATHY}/z', env)).to.equal('a-/x/y/z');
    expect(interpolate('${EMPTY}|${EMPTY:-d}|${NONE:-d e:f}|${A:-d}|${NONE:-}', env)).to.equal('|d|d e:f|a|');
  });

  it('reads $$ as one $, left to right, and leaves every other $ to the shell', () => {
    expect(interpolate('$$ $$$$ $$$ $${A} $$${A}', env)).to.equal('$ $$ $$ ${A} $a');
    expect(interpolate('$A $1 $(date) $((n+1)) $ end$', env)).to.equal('$A $1 $(date) $((n+1)) $ end$');
    expect(interpolate('no dollar at all', env)).to.equal('no dollar at all');
  });

  it('names every unset variable of a string, and refuses the forms it does not take', () => {
    expect(() => interpolate('${X} ${A} ${Y} ${X}', env)).to.throw(/^\$\{X\}, \$\{Y\} are not set/);
    expect(() => interpolate('${X}', env)).to.throw(/^\$\{X\} is not set .*give a default: \$\{X:-…\}/);
    for (const form of ['${#A}', '${A#x}', '${A:+y}', '${}', '${1}', '${A-b}']) {
      expect(() => interpolate(form, env), form).to.throw(/is not a variable rxproc can read/);
    }
    expect(() => interpolate('echo ${A', env)).to.throw(/has no closing "}"/);
  });
});
