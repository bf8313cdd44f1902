import { expect } from 'chai';
import fc from 'fast-check';
import { MarkerParser, type Marker } from '../../../src/internal/remote/markerParser.js';

const NONCE = `rx${'ab'.repeat(16)}`;
const marker = (words: string): Buffer => Buffer.from(`\x1e${NONCE} ${words}\n`, 'latin1');

function parse(chunks: readonly Buffer[]): { data: Buffer; markers: Marker[] } {
  const data: Buffer[] = [];
  const markers: Marker[] = [];
  const parser = new MarkerParser(NONCE, (chunk) => data.push(Buffer.from(chunk)), (m) => markers.push(m));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { data: Buffer.concat(data), markers };
}

/** `buffer` cut at the given points. */
function split(buffer: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (buffer.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(buffer.subarray(from, point));
    from = point;
  }
  chunks.push(buffer.subarray(from));
  return chunks;
}

describe('internal/remote/markerParser', () => {
  it('strips markers and passes text that does not end in a newline through', () => {
    const { data, markers } = parse([Buffer.from('abc'), marker('spawn 12 perl'), Buffer.from('err\n'), marker('exit 0')]);
    expect(data.toString()).to.equal('abcerr\n');
    expect(markers).to.deep.equal([['spawn', '12', 'perl'], ['exit', '0']]);
  });

  it('passes ordinary text on at once: only a possible marker start is held back', () => {
    const seen: string[] = [];
    const parser = new MarkerParser(NONCE, (chunk) => seen.push(chunk.toString('latin1')), () => undefined);
    parser.push(Buffer.from('line\n'));
    expect(seen).to.deep.equal(['line\n']);
    parser.push(Buffer.from(`x\x1e${NONCE.slice(0, 5)}`, 'latin1'));
    expect(seen).to.deep.equal(['line\n', 'x']);
    parser.push(Buffer.from('zz', 'latin1'));
    expect(seen.join('')).to.equal(`line\nx\x1e${NONCE.slice(0, 5)}zz`);
  });

  it('passes data after a hold marker on only after the next marker, and at the end if none comes', () => {
    const seen: string[] = [];
    const parser = new MarkerParser(NONCE, (chunk) => seen.push(chunk.toString('latin1')), (m) => seen.push(`<${m.join(' ')}>`));
    parser.push(Buffer.concat([Buffer.from('noise'), marker('hold'), Buffer.from('early ')]));
    parser.push(Buffer.from('err'));
    expect(seen).to.deep.equal(['noise']);
    parser.push(Buffer.concat([marker('spawn 12 perl'), Buffer.from('late')]));
    expect(seen).to.deep.equal(['noise', '<spawn 12 perl>', 'early err', 'late']);
    const unended: string[] = [];
    const cut = new MarkerParser(NONCE, (chunk) => unended.push(chunk.toString('latin1')), () => undefined);
    cut.push(Buffer.concat([marker('hold'), Buffer.from('x'), Buffer.from(`\x1e${NONCE}`, 'latin1')]));
    cut.end();
    expect(unended.join('')).to.equal(`x\x1e${NONCE}`);
  });

  it('property: with hold markers, the data and markers come in the order the helper means', () => {
    type Piece = { data: Buffer; marker: Marker | undefined };
    const piece = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 20 }).map((bytes): Piece => ({ data: Buffer.from(bytes.map((b) => (b === 0x1e ? 0 : b))), marker: undefined })),
      fc.constantFrom('hold', 'spawn 1 perl', 'exit 3', 'error exec EACCES').map((words): Piece => ({ data: marker(words), marker: words.split(' ') })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        // What should come out: data and markers, with held data moved behind the next marker.
        const expected: (string | Marker)[] = [];
        let held: string | undefined;
        for (const p of pieces) {
          if (p.marker === undefined && held === undefined) expected.push(p.data.toString('latin1'));
          else if (p.marker === undefined) held += p.data.toString('latin1');
          else if (p.marker[0] === 'hold') held ??= '';
          else {
            expected.push(p.marker);
            if (held) expected.push(held);
            held = undefined;
          }
        }
        if (held) expected.push(held);
        const seen: (string | Marker)[] = [];
        const parser = new MarkerParser(NONCE, (chunk) => seen.push(chunk.toString('latin1')), (m) => seen.push(m));
        for (const chunk of split(Buffer.concat(pieces.map((p) => p.data)), cuts)) parser.push(chunk);
        parser.end();
        const merge = (list: (string | Marker)[]) =>
          list.reduce<(string | Marker)[]>((out, item) => {
            if (typeof item === 'string' && typeof out.at(-1) === 'string') out[out.length - 1] += item;
            else out.push(item);
            return out;
          }, []);
        expect(merge(seen)).to.deep.equal(merge(expected));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any cut of a stream of data, markers and look-alikes gives the data and the markers back', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ data: Buffer.from(bytes), marker: undefined as Marker | undefined })),
      fc.constantFrom('spawn 1 perl', 'exit 3', 'signal SIGTERM', 'error exec ENOENT').map((words) => ({ data: marker(words), marker: words.split(' ') as Marker })),
      // Another run's nonce, and a cut-off tag: both are data.
      fc.constant({ data: Buffer.from(`\x1erx${'cd'.repeat(16)} exit 0\n`, 'latin1'), marker: undefined }),
      fc.constant({ data: Buffer.from(`\x1e${NONCE}`, 'latin1'), marker: undefined }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        // A cut-off tag is data only where no newline follows it before the stream ends.
        const hasPartialTag = pieces.some((p, i) => p.data.length === NONCE.length + 1 && i < pieces.length - 1);
        fc.pre(!hasPartialTag);
        const stream = Buffer.concat(pieces.map((p) => p.data));
        const { data, markers } = parse(split(stream, cuts));
        expect(data.equals(Buffer.concat(pieces.filter((p) => p.marker === undefined).map((p) => p.data)))).to.equal(true);
        expect(markers).to.deep.equal(pieces.flatMap((p) => (p.marker === undefined ? [] : [p.marker])));
      }),
      { numRuns: 2000 },
    );
  });
});
