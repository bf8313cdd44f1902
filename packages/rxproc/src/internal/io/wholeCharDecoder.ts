import { StringDecoder } from 'node:string_decoder';

/**
 * A `StringDecoder` that never gives half a character: the bytes of a character cut across chunks wait
 * for the rest, and so does a UTF-16 high surrogate whose low half has not come yet (Node's `utf16le`
 * decoder gives it alone when the cut falls in the pair's third byte).
 */
export class WholeCharDecoder {
  private readonly decoder: StringDecoder;
  private held = '';

  constructor(encoding: 'utf8' | 'utf16le') {
    this.decoder = new StringDecoder(encoding);
  }

  /** The characters `chunk` completes. */
  write(chunk: Buffer): string {
    let text = this.decoder.write(chunk);
    if (this.held !== '') {
      text = this.held + text;
      this.held = '';
    }
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.held = text.slice(-1);
      return text.slice(0, -1);
    }
    return text;
  }

  /** What is left, as Node decodes an incomplete character (U+FFFD for UTF-8); the decoder starts afresh. */
  end(): string {
    const text = this.held + this.decoder.end();
    this.held = '';
    return text;
  }
}
