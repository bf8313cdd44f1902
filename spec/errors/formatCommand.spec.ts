import { expect } from 'chai';
import { formatCommand, quoteArg } from '../../packages/rxproc/src/errors/formatCommand.js';

describe('formatCommand', () => {
  it('leaves plain words alone and single-quotes the rest, as a POSIX shell reads them', () => {
    expect(quoteArg('ls')).to.equal('ls');
    expect(quoteArg('--opt=a,b/c.d')).to.equal('--opt=a,b/c.d');
    expect(quoteArg('')).to.equal("''");
    expect(quoteArg('a b')).to.equal("'a b'");
    expect(quoteArg("it's")).to.equal(`'it'\\''s'`);
    expect(quoteArg('$HOME')).to.equal("'$HOME'");
  });

  it('joins command and args, shows NUL bytes, and shortens long lines', () => {
    expect(formatCommand('sh', ['-c', 'exit 2'])).to.equal("sh -c 'exit 2'");
    expect(formatCommand('echo', ['a\0b'])).to.equal("echo 'a\\0b'");
    const long = formatCommand('echo', ['x'.repeat(1000)], 50);
    expect(long).to.have.length(50);
    expect(long.endsWith('…')).to.equal(true);
  });
});
