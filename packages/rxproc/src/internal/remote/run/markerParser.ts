/** One marker from the remote wrapper, split into words: `['spawn', '123', 'perl']`, `['exit', '0']`, … */
export type Marker = readonly string[];

/**
 * The longest marker line, 0x1E and LF included. The longest the wrappers write is about 65 bytes
 * (`0x1E` + 34-byte nonce + SP + `error exec EPROTONOSUPPORT` or `spawn <10-digit pid> perl` + LF); 256 leaves
 * room for new events and stays below PIPE_BUF (at least 512 by POSIX), so a marker is still one atomic write.
 */
export const MAX_MARKER_LINE = 256;

/**
 * The most data held after a `hold` marker. The window between `hold` and `spawn` is the Perl wrapper's
 * fork and exec (microseconds to milliseconds): past this the data is passed on at once, before `spawn`,
 * where it counts as the session's preamble (bounded) instead of the command's stderr.
 */
export const MAX_HOLDING = 1024 * 1024;

/**
 * Separates the remote wrapper's markers from the command's own stderr, across chunk boundaries. A marker
 * is exactly `0x1E NONCE SP WORDS LF`, at most {@link MAX_MARKER_LINE} bytes, written in one write();
 * anything else is data. Only a chunk that ends in a proper prefix of such a line is held back (until the
 * next chunk or the end), so ordinary text, which never starts with 0x1E, is passed on at once. A line that
 * starts with the tag but has no LF within {@link MAX_MARKER_LINE} bytes is not a marker: those bytes are
 * data, and the search for the next tag goes on after them. So at most MAX_MARKER_LINE - 1 bytes are held,
 * in one buffer allocated once, and every byte is looked at a bounded number of times.
 *
 * The `hold` marker is the parser's own: data after it is passed on only after the next marker. The Perl
 * wrapper writes it before it starts the command and reports `spawn` once the exec has succeeded, by which
 * time the command may have written to stderr: that output still comes after `spawn`, as it would locally.
 */
export class MarkerParser {
  private readonly tag: Buffer;
  /** A proper prefix of the tag, or the tag and the start of a marker line without its LF: `line[0, heldLength)`. */
  private readonly line = Buffer.alloc(MAX_MARKER_LINE);
  private heldLength = 0;
  /** Data since a `hold` marker, for after the next marker, and its size. */
  private holding: Buffer[] | undefined;
  private holdingBytes = 0;

  constructor(
    nonce: string,
    private readonly onData: (data: Buffer) => void,
    private readonly onMarker: (marker: Marker) => void,
  ) {
    this.tag = Buffer.from(`\x1e${nonce} `, 'latin1');
    if (this.tag.length >= MAX_MARKER_LINE) throw new RangeError('MarkerParser: nonce too long');
  }

  /** Whether a `hold` marker came and the next marker has not yet (the Perl wrapper is starting the command). */
  get isHolding(): boolean {
    return this.holding !== undefined;
  }

  /** How many bytes are held back, waiting for the next chunk: always below {@link MAX_MARKER_LINE}. */
  get held(): number {
    return this.heldLength;
  }

  push(chunk: Buffer): void {
    const pos = this.heldLength > 0 ? this.continueHeld(chunk) : 0;
    if (pos >= 0) this.scan(chunk, pos);
  }

  /** The stream ended: whatever was held back was data after all. */
  end(): void {
    if (this.heldLength > 0) this.data(this.takeHeld());
    this.release();
  }

  /**
   * Goes on with the held bytes: returns where in `chunk` the search for tags resumes, or -1 if all of
   * `chunk` went to the held bytes.
   */
  private continueHeld(chunk: Buffer): number {
    const tagLength = this.tag.length;
    let pos = 0;
    if (this.heldLength < tagLength) {
      // A proper prefix of the tag, with its only 0x1E at index 0: does the chunk complete it?
      pos = Math.min(chunk.length, tagLength - this.heldLength);
      if (chunk.compare(this.tag, this.heldLength, this.heldLength + pos, 0, pos) !== 0) {
        // Not a tag. Another one can only start in the chunk, possibly at its first byte.
        this.data(this.takeHeld());
        return 0;
      }
      this.hold(chunk, 0, pos);
      if (this.heldLength < tagLength) return -1;
    }
    // The tag and the start of a marker line: look for its LF within the cap.
    const window = Math.min(chunk.length, pos + MAX_MARKER_LINE - this.heldLength);
    const lf = chunk.subarray(0, window).indexOf(0x0a, pos);
    if (lf >= 0) {
      const words = this.line.toString('latin1', tagLength, this.heldLength) + chunk.toString('latin1', pos, lf);
      this.heldLength = 0;
      this.marker(words.split(' '));
      return lf + 1;
    }
    if (window < pos + MAX_MARKER_LINE - this.heldLength) {
      this.hold(chunk, pos, window);
      return -1;
    }
    // Too long for a marker: its first MAX_MARKER_LINE bytes are data.
    this.data(Buffer.concat([this.line.subarray(0, this.heldLength), chunk.subarray(pos, window)]));
    this.heldLength = 0;
    return window;
  }

  /** Passes on data and markers in `chunk` from `pos`, and holds back a possible marker start at its end. */
  private scan(chunk: Buffer, pos: number): void {
    const tagLength = this.tag.length;
    let dataFrom = pos; // data not passed on yet: chunk[dataFrom, start)
    for (;;) {
      const start = chunk.indexOf(this.tag, pos);
      if (start < 0) break;
      const window = Math.min(chunk.length, start + MAX_MARKER_LINE);
      const lf = chunk.subarray(0, window).indexOf(0x0a, start + tagLength);
      if (lf >= 0) {
        if (start > dataFrom) this.data(chunk.subarray(dataFrom, start));
        this.marker(chunk.toString('latin1', start + tagLength, lf).split(' '));
        pos = dataFrom = lf + 1;
      } else if (window === start + MAX_MARKER_LINE) {
        pos = window; // too long for a marker: data, and the search goes on after it
      } else {
        if (start > dataFrom) this.data(chunk.subarray(dataFrom, start));
        this.hold(chunk, start, chunk.length);
        return;
      }
    }
    const hold = this.partialTagAtEnd(chunk, pos);
    if (chunk.length - hold > dataFrom) this.data(chunk.subarray(dataFrom, chunk.length - hold));
    if (hold > 0) this.hold(chunk, chunk.length - hold, chunk.length);
  }

  private hold(chunk: Buffer, from: number, to: number): void {
    this.heldLength += chunk.copy(this.line, this.heldLength, from, to);
  }

  /** The held bytes, as a copy: the buffer they are in is reused. */
  private takeHeld(): Buffer {
    const held = Buffer.from(this.line.subarray(0, this.heldLength));
    this.heldLength = 0;
    return held;
  }

  private data(data: Buffer): void {
    if (this.holding === undefined) return this.onData(data);
    this.holding.push(Buffer.from(data));
    this.holdingBytes += data.length;
    if (this.holdingBytes > MAX_HOLDING) this.release();
  }

  private marker(marker: Marker): void {
    if (marker.length === 1 && marker[0] === 'hold') {
      this.holding ??= [];
      return;
    }
    this.onMarker(marker);
    this.release();
  }

  private release(): void {
    const held = this.holding;
    this.holding = undefined;
    this.holdingBytes = 0;
    if (held !== undefined && held.length > 0) this.onData(Buffer.concat(held));
  }

  /** The length of the proper prefix of the tag that `buffer` ends in, not looking before `from`. */
  private partialTagAtEnd(buffer: Buffer, from: number): number {
    // Only a 0x1E can start a tag: look for the last one within reach of the end.
    const at = buffer.lastIndexOf(0x1e, buffer.length - 1);
    if (at < from || buffer.length - at >= this.tag.length) return 0;
    return buffer.subarray(at).equals(this.tag.subarray(0, buffer.length - at)) ? buffer.length - at : 0;
  }
}
