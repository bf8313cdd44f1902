import { isAscii } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into UTF-8 lines, whatever the chunking: on `\n` and `\r\n` (also when the `\r`
 * and the `\n` arrive in different chunks); a lone `\r` is an ordinary character. Scans bytes with
 * `indexOf`, and decodes each byte once (a line over the limit, cut into pieces, excepted). Lines cut at a
 * chunk boundary wait as bytes, so a multi-byte character split across chunks decodes whole.
 *
 * Decoding is most of the cost, and most text is ASCII with a multi-byte line now and then: Node decodes
 * a chunk as UTF-8 several times slower once it holds one non-ASCII byte (the whole string becomes
 * two-byte). So all the complete lines of a chunk are decoded at once as Latin-1 (a plain copy, one byte a
 * character, so that string offsets are byte offsets), an ASCII line is a slice of that, and only a line
 * holding a byte ≥ 0x80 is decoded again, alone, as UTF-8.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  // Finds the next byte ≥ 0x80 in the Latin-1 text (its own: the emit callback may re-enter another splitter).
  private readonly wide = /[\x80-\xff]/g;

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
      if (!this.emitBytes(line, 0, line.length - (line[line.length - 1] === CR ? 1 : 0))) return;
      start = first + 1;
    }
    if (start <= last && !this.splitComplete(chunk, start, last)) return;
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  /** The end of the stream: a last line without a terminator is a line too. */
  end(): void {
    if (this.pendingBytes === 0) return;
    const line = Buffer.concat(this.parts, this.pendingBytes);
    this.parts = [];
    this.pendingBytes = 0;
    this.emitBytes(line, 0, line.length);
  }

  /** Emits the lines of `chunk` from `start` to the `\n` at `last` (both on line boundaries); false once stopped. */
  private splitComplete(chunk: Buffer, start: number, last: number): boolean {
    const text = chunk.toString('latin1', start, last);
    // Most text has no '\r' at all: then no line needs looking at its end.
    const crlf = chunk.indexOf(CR, start) !== -1;
    // Where the next non-ASCII byte is (one native check of the chunk spares the search in ASCII text).
    let wide = isAscii(chunk) ? Infinity : this.nextWide(text, 0);
    let from = 0;
    for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', from)) {
      const end = nl === -1 ? text.length : nl;
      const stop = crlf && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (stop - from > this.maxLineLength) {
        if (!this.emitBytes(chunk, start + from, start + stop)) return false;
      } else if (end <= wide) this.emit(text.slice(from, stop));
      else this.emit(chunk.toString('utf8', start + from, start + stop));
      if (end > wide) wide = this.nextWide(text, end);
      if (nl === -1) return true;
      from = nl + 1;
    }
  }

  private nextWide(text: string, from: number): number {
    this.wide.lastIndex = from;
    return this.wide.exec(text)?.index ?? Infinity;
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

  /**
   * Emits the line in `bytes` from `from` to `to`, complete; false when it is over the limit and the
   * overflow stops the splitter. The limit counts the bytes as they came (an invalid byte is one byte, as
   * it is while the line is still arriving), and an overlong line is cut as if it had come in many chunks.
   */
  private emitBytes(bytes: Buffer, from: number, to: number): boolean {
    if (to - from <= this.maxLineLength) {
      this.emit(bytes.toString('utf8', from, to));
      return true;
    }
    if (this.overflow() !== true) return false;
    let line = bytes.subarray(from, to);
    while (line.length > this.maxLineLength) {
      const cut = utf8Boundary(line, this.maxLineLength);
      this.emit(line.toString('utf8', 0, cut));
      line = line.subarray(cut);
    }
    if (line.length > 0) this.emit(line.toString('utf8'));
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
