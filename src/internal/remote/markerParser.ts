/** One marker from the remote helper, split into words: `['spawn', '123', 'perl']`, `['exit', '0']`, … */
export type Marker = readonly string[];

/**
 * Separates the remote helper's markers from the command's own stderr, across chunk boundaries. A marker
 * is exactly `0x1E NONCE SP WORDS LF`, written in one write(); anything else is data. Only a chunk that
 * ends in a proper prefix of `0x1E NONCE SP` is held back (until the next chunk or the end), so ordinary
 * text, which never starts with 0x1E, is passed on at once.
 *
 * The `hold` marker is the parser's own: data after it is passed on only after the next marker. The Perl
 * helper writes it before it starts the command and reports `spawn` once the exec has succeeded, by which
 * time the command may have written to stderr: that output still comes after `spawn`, as it would locally.
 */
export class MarkerParser {
  private readonly tag: Buffer;
  private held: Buffer = Buffer.alloc(0);
  /** Data since a `hold` marker, for after the next marker. */
  private holding: Buffer[] | undefined;

  constructor(
    nonce: string,
    private readonly onData: (data: Buffer) => void,
    private readonly onMarker: (marker: Marker) => void,
  ) {
    this.tag = Buffer.from(`\x1e${nonce} `, 'latin1');
  }

  push(chunk: Buffer): void {
    let buffer = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    for (;;) {
      const start = buffer.indexOf(this.tag);
      if (start < 0) break;
      const end = buffer.indexOf(0x0a, start + this.tag.length);
      if (start > 0) this.data(buffer.subarray(0, start));
      if (end < 0) {
        this.held = Buffer.from(buffer.subarray(start));
        return;
      }
      this.marker(buffer.subarray(start + this.tag.length, end).toString('latin1').split(' '));
      buffer = buffer.subarray(end + 1);
    }
    const hold = this.partialTagAtEnd(buffer);
    if (buffer.length > hold) this.data(buffer.subarray(0, buffer.length - hold));
    if (hold > 0) this.held = Buffer.from(buffer.subarray(buffer.length - hold));
  }

  /** The stream ended: whatever was held back was data after all. */
  end(): void {
    if (this.held.length > 0) this.data(this.held);
    this.held = Buffer.alloc(0);
    this.release();
  }

  private data(data: Buffer): void {
    if (this.holding === undefined) this.onData(data);
    else this.holding.push(Buffer.from(data));
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
    if (held !== undefined && held.length > 0) this.onData(Buffer.concat(held));
  }

  private partialTagAtEnd(buffer: Buffer): number {
    // Only a 0x1E can start a tag: look for the last one within reach of the end.
    const from = buffer.lastIndexOf(0x1e, buffer.length - 1);
    if (from < 0 || buffer.length - from >= this.tag.length) return 0;
    return buffer.subarray(from).equals(this.tag.subarray(0, buffer.length - from)) ? buffer.length - from : 0;
  }
}
