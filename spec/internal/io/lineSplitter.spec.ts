import { expect } from 'chai';
import fc from 'fast-check';
import { LineSplitter } from '../../../packages/rxproc/src/internal/io/lineSplitter.js';
import { cutAt } from '../../support/chunkCuts.js';

/** Splits chunks with a LineSplitter; `null` marks an overflow. */
function split(chunks: readonly Buffer[], max = 1 << 20): Array<string | null> {
  const out: Array<string | null> = [];
  const splitter = new LineSplitter(
    max,
    (line) => out.push(line),
    () => {
      out.push(null);
    },
  );
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

/** The lines (and pieces of overlong lines: the splitter cuts them) of `chunks`, with `limit` bytes a line. */
function cutLines(limit: number, chunks: readonly Buffer[]): string[] {
  const out: string[] = [];
  const splitter = new LineSplitter(
    limit,
    (line) => out.push(line),
    () => true,
  );
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
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

  it('an overflow handler that returns true cuts the long line into pieces of at most the limit and goes on', () => {
    const out: string[] = [];
    const splitter = new LineSplitter(
      4,
      (line) => out.push(line),
      () => true,
    );
    for (const chunk of ['ab', 'cdef', 'g\nhi\n', '123456\nok\n']) splitter.push(Buffer.from(chunk));
    splitter.end();
    expect(out).to.deep.equal(['abcd', 'efg', 'hi', '1234', '56', 'ok']);
    const euros: string[] = [];
    const cutter = new LineSplitter(
      7,
      (line) => euros.push(line),
      () => true,
    );
    cutter.push(Buffer.from('€'.repeat(10)));
    cutter.end();
    expect(euros).to.deep.equal(['€€', '€€', '€€', '€€', '€€']);
  });

  it('cuts a long line that arrives whole in one chunk, with or without its terminator, CRLF too', () => {
    const cutting = (chunks: string[], max: number): string[] => {
      const out: string[] = [];
      const splitter = new LineSplitter(
        max,
        (line) => out.push(line),
        () => true,
      );
      for (const chunk of chunks) splitter.push(Buffer.from(chunk));
      splitter.end();
      return out;
    };
    expect(cutting(['abcdefghij\n'], 4)).to.deep.equal(['abcd', 'efgh', 'ij']);
    expect(cutting(['abcdefghij'], 4)).to.deep.equal(['abcd', 'efgh', 'ij']);
    expect(cutting(['abcdefgh\r\nx\n'], 4)).to.deep.equal(['abcd', 'efgh', 'x']);
    expect(cutting(['abcdefgh\r', '\nx'], 4)).to.deep.equal(['abcd', 'efgh', 'x']);
    expect(cutting(['ab', 'cdefgh\r\n'], 4)).to.deep.equal(['abcd', 'efgh']);
    expect(cutting(['abcd\r\n'], 4)).to.deep.equal(['abcd']);
    // never inside a character: a piece may be shorter than the limit
    expect(cutting(['a€€€\n'], 4)).to.deep.equal(['a€', '€', '€']);
    expect(cutting(['a😀b😀\n'], 5)).to.deep.equal(['a😀', 'b😀']);
    expect(cutting(['a😀', 'b😀'], 5)).to.deep.equal(['a😀', 'b😀']);
    // below 4 bytes, a character longer than the limit is a piece of its own
    expect(cutting(['a😀b\n'], 2)).to.deep.equal(['a', '😀', 'b']);
    const bytes = Buffer.from('é😀€x');
    for (let at = 1; at < bytes.length; at++) {
      const out: string[] = [];
      const splitter = new LineSplitter(
        1,
        (line) => out.push(line),
        () => true,
      );
      splitter.push(bytes.subarray(0, at));
      splitter.push(bytes.subarray(at));
      splitter.end();
      expect(out).to.deep.equal(['é', '😀', '€', 'x']);
    }
  });

  it('property: with cutting, each line comes out as pieces of at most the limit, whole characters, whatever the chunking', () => {
    const unit = fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', '\r\n', ' ', 'xyz', 'abcdefghijklmnop');
    const text = fc.oneof(
      fc.array(unit, { maxLength: 60 }).map((units) => units.join('')),
      fc.string({ unit: 'binary', maxLength: 80 }).map((any) => any.replaceAll('\uFFFD', '?')),
    );
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 12 }), (text, offsets, limit) => {
        const pieces = (chunks: readonly Buffer[]): string[] => cutLines(limit, chunks);
        const bytes = Buffer.from(text);
        const out = pieces(cutAt(bytes, offsets));
        // the same pieces as when the text arrives in one chunk
        expect(out).to.deep.equal(pieces([bytes]));
        for (const piece of out) {
          // valid UTF-8: no character cut in half (it would decode to U+FFFD), and it re-encodes to the same bytes
          expect(piece.includes('\uFFFD'), JSON.stringify(piece)).to.equal(false);
          expect(Buffer.from(piece).toString('utf8'), JSON.stringify(piece)).to.equal(piece);
          // at most the limit, unless (below 4 bytes) it is a single character longer than the limit
          const size = Buffer.byteLength(piece);
          if (size > limit) expect([...piece], JSON.stringify(piece)).to.have.length(1);
        }
        // the pieces of each line, in order, concatenate to the line
        let next = 0;
        for (const line of reference(text)) {
          let joined = '';
          do {
            expect(next, `pieces for ${JSON.stringify(line)}`).to.be.lessThan(out.length);
            const piece = out[next++]!;
            if (line !== '') expect(piece).to.not.equal('');
            joined += piece;
            expect(line.startsWith(joined), `${JSON.stringify(joined)} begins ${JSON.stringify(line)}`).to.equal(true);
          } while (joined.length < line.length);
          expect(joined).to.equal(line);
        }
        expect(next).to.equal(out.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any text cut at any byte offsets gives the lines of the whole text', () => {
    const unit = fc.constantFrom('a', 'é', '€', '😀', '\n', '\r', '\r\n', ' ', 'xyz');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 12 }), (units, offsets) => {
        const text = units.join('');
        expect(split(cutAt(Buffer.from(text), offsets))).to.deep.equal(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('ASCII lines and multi-byte lines mixed in one chunk, in any order, with CRLF', () => {
    const text = 'ascii one\r\nnaïve\n\nplain\r\n日本語 and more\n😀\r\nlast ascii\n€\n';
    expect(split([Buffer.from(text)])).to.deep.equal(reference(text));
    expect(split([Buffer.from(text.repeat(50))])).to.deep.equal(reference(text.repeat(50)));
  });

  it('an invalid byte counts as one byte against the limit, as a line arrives and once it is complete', () => {
    const invalid = Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0xe2]);
    expect(split([Buffer.concat([invalid, Buffer.from('\n')])], 5)).to.deep.equal(['\uFFFD'.repeat(5)]);
    expect(split([invalid.subarray(0, 2), invalid.subarray(2), Buffer.from('\n')], 5)).to.deep.equal(['\uFFFD'.repeat(5)]);
    expect(split([Buffer.concat([invalid, Buffer.from('x\n')])], 5)).to.deep.equal([null]);
  });

  /** Any bytes, often a newline, a carriage return or a byte of a multi-byte character (valid or not). */
  const anyBytes = fc
    .array(fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xef, 0xbb, 0xbf, 0xff), fc.nat(255)), {
      maxLength: 80,
    })
    .map((bytes) => Buffer.from(bytes));

  it('property: any bytes, invalid UTF-8 included, cut anywhere: each line decoded as Node decodes its bytes alone', () => {
    fc.assert(
      fc.property(anyBytes, fc.array(fc.nat(), { maxLength: 12 }), (bytes, offsets) => {
        const expected: string[] = [];
        let from = 0;
        for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, from)) {
          expected.push(bytes.toString('utf8', from, bytes[nl - 1] === 0x0d && nl > from ? nl - 1 : nl));
          from = nl + 1;
        }
        if (from < bytes.length) expected.push(bytes.toString('utf8', from));
        expect(split(cutAt(bytes, offsets))).to.deep.equal(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: any bytes cut into pieces at the limit give the same pieces whatever the chunking', () => {
    fc.assert(
      fc.property(anyBytes, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 12 }), (bytes, offsets, limit) => {
        const pieces = (chunks: readonly Buffer[]): string[] => cutLines(limit, chunks);
        expect(pieces(cutAt(bytes, offsets))).to.deep.equal(pieces([bytes]));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: arbitrary strings (any code point) too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.array(fc.nat(), { maxLength: 8 }), (text, offsets) => {
        expect(split(cutAt(Buffer.from(text), offsets))).to.deep.equal(reference(text));
      }),
      { numRuns: 1000 },
    );
  });
});
