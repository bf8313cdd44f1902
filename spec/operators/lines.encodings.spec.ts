import { expect } from 'chai';
import fc from 'fast-check';
import { from } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { lines, OutputLimitError, spawn$ } from '../../packages/rxproc/src/index.js';
import { cutAt } from '../support/chunkCuts.js';
import { outcome } from '../support/outcome.js';

const BYTE_ENCODINGS = ['latin1', 'ascii', 'base64', 'base64url', 'hex'] as const;

/** The reference: the lines of the whole bytes at once (split on LF, a CR before it dropped). */
function byteLines(whole: Buffer): Buffer[] {
  const result: Buffer[] = [];
  let from = 0;
  for (let nl = whole.indexOf(0x0a); nl !== -1; nl = whole.indexOf(0x0a, from)) {
    const line = whole.subarray(from, nl);
    result.push(line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line);
    from = nl + 1;
  }
  if (from < whole.length) result.push(whole.subarray(from));
  return result;
}

describe('lines: encodings', () => {
  for (const encoding of BYTE_ENCODINGS) {
    it(`encoding: '${encoding}' gives each line's bytes in that encoding, from a real process`, async () => {
      const { events } = await outcome(spawn$('printf', ['\\377a\\r\\n\\000\\200\\nlast']).pipe(lines({ encoding })));
      expect(events).to.deep.equal([Buffer.from([0xff, 0x61]), Buffer.from([0x00, 0x80]), Buffer.from('last')].map((line) => line.toString(encoding)));
    });
  }

  it("encoding: 'buffer' gives each line as bytes", async () => {
    const { events } = await outcome(spawn$('printf', ['\\377\\nb']).pipe(lines({ encoding: 'buffer' })));
    expect(events).to.deep.equal([Buffer.from([0xff]), Buffer.from('b')]);
  });

  it("encoding: 'utf16le' splits the decoded text, from a real process (a byte 0x0a inside a character is no newline)", async () => {
    // U+0A41 is the bytes 41 0a in UTF-16LE; then '\r\n', '😀' (a surrogate pair), '\n'.
    const bytes = Buffer.from('\u0a41x\r\n😀\nend', 'utf16le');
    const octal = [...bytes].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
    const { events } = await outcome(spawn$('printf', [octal]).pipe(lines({ encoding: 'utf16le' })));
    expect(events).to.deep.equal(['\u0a41x', '😀', 'end']);
  });

  it('gives the same lines however the chunks are cut, in each encoding (property)', async () => {
    const unit = fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', '\r\n', '\u0a41', 'xyz');
    const encoding = fc.constantFrom(...BYTE_ENCODINGS, 'buffer' as const, 'utf16le' as const, 'utf8' as const);
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), encoding, async (units, offsets, encoding) => {
        const text = units.join('');
        const whole = Buffer.from(text, encoding === 'utf16le' ? 'utf16le' : 'utf8');
        const { events } = await outcome(from(cutAt(whole, offsets)).pipe(lines({ encoding })));
        if (encoding === 'utf16le' || encoding === 'utf8') {
          const expected = text === '' ? [] : text.split(/\r?\n/);
          if (expected.at(-1) === '') expected.pop();
          expect(events).to.deep.equal(expected);
        } else {
          expect(events).to.deep.equal(byteLines(whole).map((line) => (encoding === 'buffer' ? line : line.toString(encoding))));
        }
      }),
    );
  });

  it('maxLineLength counts bytes, and overlong: split cuts a byte line into pieces of exactly the limit', () => {
    new TestScheduler((a, e) => void expect(a).to.deep.equal(e)).run(({ cold, expectObservable }) => {
      const source = cold('-a----(b|)', { a: Buffer.from('abcdefg'), b: Buffer.from('hi\r\nxy\n') });
      const pieces = { a: '616263', b: '646566', c: '676869', d: '7879' };
      expectObservable(source.pipe(lines({ encoding: 'hex', maxLineLength: 3, overlong: 'split' }))).toBe('-(ab)-(cd|)', pieces);
      expectObservable(source.pipe(lines({ encoding: 'latin1', maxLineLength: 3 }))).toBe('-#', undefined, new OutputLimitError('stdout', 'maxLineLength', 3));
    });
  });

  it('refuses an unknown encoding when called', () => {
    for (const bad of ['utf-8', 'binary', 'ucs2', 'UTF8', '', 42, null]) {
      expect(() => lines({ encoding: bad as never })).to.throw(
        TypeError,
        /lines: option "encoding" must be 'buffer' or one of 'utf8', 'utf16le', 'latin1', 'ascii', 'base64', 'base64url', 'hex', got/,
      );
    }
  });
});
