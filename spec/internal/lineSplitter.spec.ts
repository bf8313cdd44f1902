import { expect } from 'chai';
import fc from 'fast-check';
import { LineSplitter } from '../../src/internal/lineSplitter.js';

/** Splits chunks with a LineSplitter; `null` marks an overflow. */
function split(chunks: readonly Buffer[], max = 1 << 20): Array<string | null> {
  const out: Array<string | null> = [];
  const splitter = new LineSplitter(max, (line) => out.push(line), () => {
    out.push(null);
  });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
}

/** The reference: split the whole text at once. */
function reference(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(/\r?\n/);
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, clamped). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks;
}

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n and keeps a lone \\r', () => {
    expect(split([Buffer.from('a\nb\r\nc\rd\n')])).to.deep.equal(['a', 'b', 'c\rd']);
  });

  it('joins a \\r\\n split across chunks', () => {
    expect(split([Buffer.from('a\r'), Buffer.from('\nb\r'), Buffer.from('\n')])).to.deep.equal(['a', 'b']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('né€😀\n');
    for (let at = 1; at < bytes.length; at++) {
      expect(split([bytes.subarray(0, at), bytes.subarray(at)])).to.deep.equal(['né€😀']);
    }
  });

  it('emits a last line without terminator at the end, and empty lines as they are', () => {
    expect(split([Buffer.from('\n\nx')])).to.deep.equal(['', '', 'x']);
    expect(split([])).to.deep.equal([]);
  });

  it('overflows instead of growing on a line longer than the limit, counted in bytes', () => {
    expect(split([Buffer.from('12345\n')], 5)).to.deep.equal(['12345']);
    expect(split([Buffer.from('123456\n')], 5)).to.deep.equal([null]);
    expect(split([Buffer.from('123'), Buffer.from('456')], 5)[0]).to.equal(null);
    expect(split([Buffer.from('éé\n')], 4)).to.deep.equal(['éé']);
    expect(split([Buffer.from('ééé\n')], 5)).to.deep.equal([null]);
    // a trailing \r that may be half of \r\n is not counted yet
    expect(split([Buffer.from('12345\r'), Buffer.from('\n')], 5)).to.deep.equal(['12345']);
  });

  it('an overflow handler that returns true cuts the long line and goes on', () => {
    const out: string[] = [];
    const splitter = new LineSplitter(4, (line) => out.push(line), () => true);
    for (const chunk of ['ab', 'cdef', 'g\nhi\n', '123456\nok\n']) splitter.push(Buffer.from(chunk));
    splitter.end();
    expect(out).to.deep.equal(['abcd', 'efg', 'hi', '123456', 'ok']);
    const euros: string[] = [];
    const cutter = new LineSplitter(7, (line) => euros.push(line), () => true);
    cutter.push(Buffer.from('€'.repeat(10)));
    cutter.end();
    expect(euros).to.deep.equal(['€€', '€€', '€€', '€€', '€€']);
  });

  it('property: any text cut at any byte offsets gives the lines of the whole text', () => {
    const unit = fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', '\r\n', ' ', 'xyz');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 12 }), (units, offsets) => {
        const text = units.join('');
        expect(split(cut(Buffer.from(text), offsets))).to.deep.equal(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: arbitrary strings (any code point) too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.array(fc.nat(), { maxLength: 8 }), (text, offsets) => {
        expect(split(cut(Buffer.from(text), offsets))).to.deep.equal(reference(text));
      }),
      { numRuns: 1000 },
    );
  });
});
