const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines of bytes, whatever the chunking: on `\n` and `\r\n` (also when the `\r`
 * and the `\n` arrive in different chunks); a lone `\r` is an ordinary byte. For the encodings where a
 * byte is not part of a larger character (`latin1`, `ascii`, `base64`, `base64url`, `hex`, `'buffer'`).
 */
export class ByteLineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;

  /**
   * @param maxLineLength Longest line accepted, in bytes without the terminator.
   * @param emit Receives each line, without its terminator.
   * @param overflow Called when a line exceeds the limit. Returning `true` cuts the line into pieces of
   *   exactly the limit (the last one shorter), each emitted as a line; otherwise the splitter must not be
   *   used afterwards.
   */
  constructor(
    private readonly maxLineLength: number,
    private readonly emit: (line: Buffer) => void,
    private readonly overflow: () => boolean | void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, start)) {
      let line = chunk.subarray(start, nl);
      if (this.pendingBytes > 0) {
        this.parts.push(line);
        line = Buffer.concat(this.parts, this.pendingBytes + line.length);
        this.parts = [];
        this.pendingBytes = 0;
      }
      if (!this.emitLine(line[line.length - 1] === CR ? line.subarray(0, -1) : line)) return;
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The end of the stream: a last line without a terminator is a line too. */
  end(): void {
    if (this.pendingBytes === 0) return;
    const line = Buffer.concat(this.parts, this.pendingBytes);
    this.parts = [];
    this.pendingBytes = 0;
    this.emitLine(line);
  }

  private keep(part: Buffer): void {
    this.parts.push(part);
    this.pendingBytes += part.length;
    // A trailing '\r' may yet turn out to be half of a '\r\n': it is not counted against the limit.
    const counted = (line: Buffer): number => line.length - (line[line.length - 1] === CR ? 1 : 0);
    if (this.pendingBytes - (part[part.length - 1] === CR ? 1 : 0) <= this.maxLineLength || this.overflow() !== true) return;
    let line = Buffer.concat(this.parts, this.pendingBytes);
    while (counted(line) > this.maxLineLength) {
      this.emit(line.subarray(0, this.maxLineLength));
      line = line.subarray(this.maxLineLength);
    }
    this.parts = [line];
    this.pendingBytes = line.length;
  }

  private emitLine(line: Buffer): boolean {
    if (line.length <= this.maxLineLength) {
      this.emit(line);
      return true;
    }
    if (this.overflow() !== true) return false;
    for (let at = 0; at < line.length; at += this.maxLineLength) this.emit(line.subarray(at, at + this.maxLineLength));
    return true;
  }
}
