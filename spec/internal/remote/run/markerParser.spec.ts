import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_HOLDING, MAX_MARKER_LINE, MarkerParser, type Marker } from '../../../../packages/rxproc/src/internal/remote/run/markerParser.js';

const NONCE = `rx${'ab'.repeat(16)}`;
const TAG = Buffer.from(`\x1e${NONCE} `, 'latin1');
const marker = (words: string): Buffer => Buffer.from(`\x1e${NONCE} ${words}\n`, 'latin1');

function parse(chunks: readonly Buffer[]): { data: Buffer; markers: Marker[] } {
  const data: Buffer[] = [];
  const markers: Marker[] = [];
  const parser = new MarkerParser(
    NONCE,
    (chunk) => data.push(Buffer.from(chunk)),
    (m) => markers.push(m),
  );
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
    expect(markers).to.deep.equal([
      ['spawn', '12', 'perl'],
      ['exit', '0'],
    ]);
  });

  it('passes ordinary text on at once: only a possible marker start is held back', () => {
    const seen: string[] = [];
    const parser = new MarkerParser(
      NONCE,
      (chunk) => seen.push(chunk.toString('latin1')),
      () => undefined,
    );
    parser.push(Buffer.from('line\n'));
    expect(seen).to.deep.equal(['line\n']);
    parser.push(Buffer.from(`x\x1e${NONCE.slice(0, 5)}`, 'latin1'));
    expect(seen).to.deep.equal(['line\n', 'x']);
    parser.push(Buffer.from('zz', 'latin1'));
    expect(seen.join('')).to.equal(`line\nx\x1e${NONCE.slice(0, 5)}zz`);
  });

  it('passes data after a hold marker on only after the next marker, and at the end if none comes', () => {
    const seen: string[] = [];
    const parser = new MarkerParser(
      NONCE,
      (chunk) => seen.push(chunk.toString('latin1')),
      (m) => seen.push(`<${m.join(' ')}>`),
    );
    parser.push(Buffer.concat([Buffer.from('noise'), marker('hold'), Buffer.from('early ')]));
    parser.push(Buffer.from('err'));
    expect(seen).to.deep.equal(['noise']);
    parser.push(Buffer.concat([marker('spawn 12 perl'), Buffer.from('late')]));
    expect(seen).to.deep.equal(['noise', '<spawn 12 perl>', 'early err', 'late']);
    const unended: string[] = [];
    const cut = new MarkerParser(
      NONCE,
      (chunk) => unended.push(chunk.toString('latin1')),
      () => undefined,
    );
    cut.push(Buffer.concat([marker('hold'), Buffer.from('x'), Buffer.from(`\x1e${NONCE}`, 'latin1')]));
    cut.end();
    expect(unended.join('')).to.equal(`x\x1e${NONCE}`);
  });

  it('holds at most MAX_HOLDING bytes after a hold marker: past that they are passed on at once, in order', () => {
    const seen: Buffer[] = [];
    const parser = new MarkerParser(
      NONCE,
      (chunk) => seen.push(chunk),
      () => undefined,
    );
    parser.push(marker('hold'));
    const chunk = Buffer.alloc(64 * 1024, 'e');
    for (let sent = 0; sent <= MAX_HOLDING; sent += chunk.length) parser.push(chunk);
    const passed = Buffer.concat(seen);
    expect(passed.length).to.equal(MAX_HOLDING + chunk.length);
    parser.push(Buffer.from('after'));
    expect(Buffer.concat(seen).subarray(passed.length).toString()).to.equal('after');
  });

  it('property: with hold markers, the data and markers come in the order the wrapper means', () => {
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
        const parser = new MarkerParser(
          NONCE,
          (chunk) => seen.push(chunk.toString('latin1')),
          (m) => seen.push(m),
        );
        for (const chunk of split(Buffer.concat(pieces.map((p) => p.data)), cuts)) parser.push(chunk);
        parser.end();
        const merge = (list: (string | Marker)[]) =>
          list.reduce<(string | Marker)[]>((out, item) => {
            const last = out.at(-1);
            if (typeof item === 'string' && typeof last === 'string') out[out.length - 1] = last + item;
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
      fc.constantFrom('spawn 1 perl', 'exit 3', 'signal SIGTERM', 'error exec ENOENT').map((words) => ({ data: marker(words), marker: words.split(' ') })),
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

  it('a marker line is at most MAX_MARKER_LINE bytes: one byte more and it is data', () => {
    const words = (lineLength: number) => `error exec E${'X'.repeat(lineLength - TAG.length - 'error exec E'.length - 1)}`;
    expect(marker(words(MAX_MARKER_LINE)).length).to.equal(MAX_MARKER_LINE);
    for (const bytes of [1, 7, MAX_MARKER_LINE, 1 << 16]) {
      const longest = parse(
        split(
          marker(words(MAX_MARKER_LINE)),
          Array.from({ length: 400 }, (_, i) => i * bytes),
        ),
      );
      expect(longest.data.length).to.equal(0);
      expect(longest.markers).to.deep.equal([words(MAX_MARKER_LINE).split(' ')]);
      const tooLong = marker(words(MAX_MARKER_LINE + 1));
      const over = parse(
        split(
          Buffer.concat([tooLong, marker('exit 0')]),
          Array.from({ length: 400 }, (_, i) => i * bytes),
        ),
      );
      expect(over.data.equals(tooLong)).to.equal(true);
      expect(over.markers).to.deep.equal([['exit', '0']]);
    }
  });

  it('an over-long line that starts with the tag is data, in order, and parsing goes on after its first MAX_MARKER_LINE bytes', () => {
    const fake = Buffer.concat([TAG, Buffer.from('x'.repeat(300))]);
    for (const cuts of [[], [1], [TAG.length - 1, TAG.length + 3], [MAX_MARKER_LINE - 1, MAX_MARKER_LINE, MAX_MARKER_LINE + 1], [100, 336]]) {
      const { data, markers } = parse(split(Buffer.concat([Buffer.from('a'), fake, marker('exit 3'), Buffer.from('b')]), cuts));
      expect(data.toString('latin1')).to.equal(`a${fake.toString('latin1')}b`);
      expect(markers).to.deep.equal([['exit', '3']]);
    }
    // A tag inside the first MAX_MARKER_LINE bytes belongs to the over-long line; one after them starts a marker.
    const inside = Buffer.concat([TAG, Buffer.from('y'.repeat(100)), TAG, Buffer.from('z'.repeat(200)), Buffer.from('\n')]);
    expect(parse([inside]).data.equals(inside)).to.equal(true);
    expect(parse([inside]).markers).to.deep.equal([]);
  });

  it('20 MB of tags without a newline, in 64 KiB chunks: all data, passed on as it comes, never more than MAX_MARKER_LINE bytes held', () => {
    const size = 20 * 1024 * 1024;
    for (const stream of [Buffer.alloc(size, TAG), Buffer.concat([TAG, Buffer.alloc(size - TAG.length, 'x')])]) {
      let out = 0;
      let mostHeld = 0;
      const markers: Marker[] = [];
      const parts: Buffer[] = [];
      const parser = new MarkerParser(
        NONCE,
        (chunk) => {
          out += chunk.length;
          parts.push(chunk);
        },
        (m) => markers.push(m),
      );
      for (let at = 0; at < stream.length; at += 64 * 1024) {
        parser.push(stream.subarray(at, at + 64 * 1024));
        mostHeld = Math.max(mostHeld, parser.held);
        // Everything not held is out already: nothing piles up, so maxBuffer sees it.
        expect(out + parser.held).to.equal(Math.min(stream.length, at + 64 * 1024));
      }
      parser.end();
      expect(mostHeld).to.be.below(MAX_MARKER_LINE);
      expect(parser.held).to.equal(0);
      expect(markers).to.deep.equal([]);
      expect(Buffer.concat(parts).equals(stream)).to.equal(true);
    }
  });

  it('property: data, markers and over-long fake marker lines, cut anyhow: the data (fakes included) and the markers come back', () => {
    type Piece = { data: Buffer; marker: Marker | undefined };
    const noLfNoRs = (bytes: Uint8Array) => Buffer.from(bytes.map((b) => (b === 0x0a || b === 0x1e ? 0x2e : b)));
    const words = fc.oneof(
      fc.constantFrom('spawn 4194304 perl', 'exit 255', 'signal SIGRTMAX-14', 'error exec ENAMETOOLONG', 'error wrapper NOSETSID'),
      // Up to the longest line allowed.
      fc.integer({ min: 1, max: MAX_MARKER_LINE - TAG.length - 'error x '.length - 1 }).map((n) => `error x ${'E'.repeat(n)}`),
    );
    const fake = fc
      .record({
        // No LF within the first MAX_MARKER_LINE bytes, then maybe one; a copy of the tag may hide in that part.
        body: fc.uint8Array({ minLength: MAX_MARKER_LINE - TAG.length, maxLength: MAX_MARKER_LINE + 200 }).map(noLfNoRs),
        tagAt: fc.option(fc.nat(MAX_MARKER_LINE - 2 * TAG.length)),
        lf: fc.boolean(),
      })
      .map(({ body, tagAt, lf }): Piece => {
        if (tagAt !== null) TAG.copy(body, tagAt);
        return { data: Buffer.concat([TAG, body, Buffer.from(lf ? '\n' : '')]), marker: undefined };
      });
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((bytes): Piece => ({ data: Buffer.from(bytes), marker: undefined })),
      words.map((w): Piece => ({ data: marker(w), marker: w.split(' ') })),
      fake,
      fc.constant<Piece>({ data: Buffer.from(`\x1erx${'cd'.repeat(16)} exit 0\n`, 'latin1'), marker: undefined }),
    );
    const cutting = fc.oneof(
      fc.array(fc.nat(), { maxLength: 30 }).map((cuts) => (length: number) => cuts.map((cut) => cut % (length + 1))),
      fc.integer({ min: 1, max: 300 }).map((size) => (length: number) => Array.from({ length: Math.ceil(length / size) }, (_, i) => i * size)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), cutting, (pieces, cuts) => {
        const stream = Buffer.concat(pieces.map((p) => p.data));
        const data: Buffer[] = [];
        const markers: Marker[] = [];
        const parser = new MarkerParser(
          NONCE,
          (chunk) => data.push(Buffer.from(chunk)),
          (m) => markers.push(m),
        );
        for (const chunk of split(stream, cuts(stream.length))) {
          parser.push(chunk);
          expect(parser.held).to.be.below(MAX_MARKER_LINE);
        }
        parser.end();
        expect(Buffer.concat(data).equals(Buffer.concat(pieces.filter((p) => p.marker === undefined).map((p) => p.data)))).to.equal(true);
        expect(markers).to.deep.equal(pieces.flatMap((p) => (p.marker === undefined ? [] : [p.marker])));
      }),
      { numRuns: 2000 },
    );
  });
});
