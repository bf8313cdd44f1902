/** One marker from the remote helper, split into words: `['spawn', '123', 'perl']`, `['exit', '0']`, … */
export type Marker = readonly string[];

/**
 * Separates the remote helper's markers from the command's own stderr, across chunk boundaries. A marker
 * is exactly `0x1E NONCE SP WORDS LF`, written in one write(); anything else is data. Only a chunk that
 * ends in a proper prefix of `0x1E NONCE SP` is held back (until the next chunk or the end), so ordinary
 * text, which never starts with 0x1E, is passed on at once.
 */
export class MarkerParser {
  private readonly tag: Buffer;
  private held: Buffer = Buffer.alloc(0);

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
      if (start > 0) this.onData(buffer.subarray(0, start));
      if (end < 0) {
        this.held = Buffer.from(buffer.subarray(start));
        return;
      }
      this.onMarker(buffer.subarray(start + this.tag.length, end).toString('latin1').split(' '));
      buffer = buffer.subarray(end + 1);
    }
    const hold = this.partialTagAtEnd(buffer);
    if (buffer.length > hold) this.onData(buffer.subarray(0, buffer.length - hold));
    if (hold > 0) this.held = Buffer.from(buffer.subarray(buffer.length - hold));
  }

  /** The stream ended: whatever was held back was data after all. */
  end(): void {
    if (this.held.length > 0) this.onData(this.held);
    this.held = Buffer.alloc(0);
  }

  private partialTagAtEnd(buffer: Buffer): number {
    // Only a 0x1E can start a tag: look for the last one within reach of the end.
    const from = buffer.lastIndexOf(0x1e, buffer.length - 1);
    if (from < 0 || buffer.length - from >= this.tag.length) return 0;
    return buffer.subarray(from).equals(this.tag.subarray(0, buffer.length - from)) ? buffer.length - from : 0;
  }
}
