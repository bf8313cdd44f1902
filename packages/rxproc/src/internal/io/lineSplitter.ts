const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into UTF-8 lines, whatever the chunking: on `\n` and `\r\n` (also when the `\r`
 * and the `\n` arrive in different chunks); a lone `\r` is an ordinary character. Scans bytes with
 * `indexOf` and decodes each byte once (a line over the limit, cut into pieces, excepted): all the complete
 * lines of a chunk in one `toString`. Lines cut at a chunk boundary wait as bytes, so a multi-byte
 * character split across chunks decodes whole.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;

  /**
   * @param maxLineLength Longest line accepted, in bytes without the terminator.
   * @param emit Receives each line, without its terminator.
   * @param overflow Called (instead of growing without end) when a line exceeds the limit. Returning
   *   `true` cuts the line and goes on: each piece is emitted as a line of its own, at most the limit in
   *   bytes, cut at a UTF-8 character boundary (so a piece may be a little shorter; with a limit below
   *   4 bytes, a character longer than the limit is a piece of its own), whether the line arrives in one
   *   chunk or in many, with or without its terminator. The pieces of a line concatenate to the line.
   *   Otherwise the splitter must not be used afterwards.
   */
  constructor(
    private readonly maxLineLength: number,
    private readonly emit: (line: string) => void,
    private readonly overflow: () => boolean | void,
  ) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(LF);
    if (last === -1) return this.keep(chunk);
    let start = 0;
    if (this.pendingBytes > 0) {
      const first = chunk.indexOf(LF);
      this.parts.push(chunk.subarray(0, first));
      const line = Buffer.concat(this.parts, this.pendingBytes + first);
      this.parts = [];
      this.pendingBytes = 0;
      if (!this.emitLine(line.toString('utf8', 0, line.length - (line[line.length - 1] === CR ? 1 : 0)))) return;
      start = first + 1;
    }
    if (start <= last) {
      // Every complete line of the chunk, decoded at once (both ends are on line boundaries).
      const text = chunk.toString('utf8', start, last);
      // Most text has no '\r' at all: then no line needs looking at its end.
      const crlf = chunk.indexOf(CR, start) !== -1;
      let from = 0;
      for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', from)) {
        const end = nl === -1 ? text.length : nl;
        const line = crlf && text.charCodeAt(end - 1) === CR ? text.slice(from, end - 1) : text.slice(from, end);
        if (!this.emitLine(line)) return;
        if (nl === -1) break;
        from = nl + 1;
      }
    }
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  /** The end of the stream: a last line without a terminator is a line too. */
  end(): void {
    if (this.pendingBytes === 0) return;
    const line = Buffer.concat(this.parts, this.pendingBytes);
    this.parts = [];
    this.pendingBytes = 0;
    this.emitLine(line.toString('utf8'));
  }

  private keep(part: Buffer): void {
    this.parts.push(part);
    this.pendingBytes += part.length;
    // A trailing '\r' may yet turn out to be half of a '\r\n': it is not counted against the limit.
    const counted = this.pendingBytes - (part[part.length - 1] === CR ? 1 : 0);
    if (counted <= this.maxLineLength || this.overflow() !== true) return;
    // Cut into pieces of at most the limit, at character boundaries: a character cut in half waits, and
    // so does the rest (at most the limit, or one character, plus the trailing '\r' not counted).
    let line = Buffer.concat(this.parts, this.pendingBytes);
    for (let end = counted; end > this.maxLineLength; end = line.length - (line[line.length - 1] === CR ? 1 : 0)) {
      const cut = utf8Boundary(line, this.maxLineLength);
      // (a limit below 4: a character longer than the limit, which may not have all its bytes yet, or
      // which is all the line has so far besides the trailing '\r')
      if (cut >= end) break;
      this.emit(line.toString('utf8', 0, cut));
      line = line.subarray(cut);
    }
    this.parts = [line];
    this.pendingBytes = line.length;
  }

  private emitLine(line: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: only long strings need their bytes counted.
    if (line.length * 3 <= this.maxLineLength || Buffer.byteLength(line) <= this.maxLineLength) {
      this.emit(line);
      return true;
    }
    if (this.overflow() !== true) return false;
    // A complete line over the limit: the same pieces as if it had arrived in many chunks (valid UTF-8).
    let bytes = Buffer.from(line);
    while (bytes.length > this.maxLineLength) {
      const cut = utf8Boundary(bytes, this.maxLineLength);
      this.emit(bytes.toString('utf8', 0, cut));
      bytes = bytes.subarray(cut);
    }
    if (bytes.length > 0) this.emit(bytes.toString('utf8'));
    return true;
  }
}

/**
 * Where to end a piece of at most `at` bytes of `bytes` (`at` < `bytes.length`): the largest offset ≤ `at`
 * that does not fall inside a UTF-8 character. When the first character itself is longer than `at` (a
 * limit below 4), the end of that character instead: `bytes.length` if it may not have all its bytes yet.
 */
function utf8Boundary(bytes: Buffer, at: number): number {
  let cut = at;
  // Step back over continuation bytes (10xxxxxx) to the character's first byte, at most 3.
  while (cut > 0 && at - cut < 3 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  if (cut > 0) return cut;
  // Step forward over the first character's continuation bytes, at most 3.
  let end = at + 1;
  while (end < bytes.length && end < 4 && (bytes[end]! & 0xc0) === 0x80) end++;
  return end;
}
