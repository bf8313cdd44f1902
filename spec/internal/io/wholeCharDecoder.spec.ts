import { expect } from 'chai';
import fc from 'fast-check';
import { WholeCharDecoder } from '../../../packages/rxproc/src/internal/io/wholeCharDecoder.js';
import { cutAt } from '../../support/chunkCuts.js';

describe('WholeCharDecoder', () => {
  it('holds back a UTF-16 high surrogate cut in the third byte of its pair (Node gives it alone)', () => {
    const pair = Buffer.from('😀', 'utf16le');
    const decoder = new WholeCharDecoder('utf16le');
    expect(decoder.write(pair.subarray(0, 3))).to.equal('');
    expect(decoder.write(pair.subarray(3))).to.equal('😀');
    expect(decoder.end()).to.equal('');
  });

  it('never gives half a character, and the pieces concatenate to the whole (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom('utf8' as const, 'utf16le' as const),
        (text, offsets, encoding) => {
          const decoder = new WholeCharDecoder(encoding);
          const pieces = cutAt(Buffer.from(text, encoding), offsets).map((chunk) => decoder.write(chunk));
          for (const piece of pieces)
            expect(piece)
              .to.equal(Buffer.from(piece, 'utf16le').toString('utf16le'))
              .and.to.not.match(/[\ud800-\udbff]$/);
          expect(pieces.join('') + decoder.end()).to.equal(text);
        },
      ),
    );
  });
});
