import { ByteLineSplitter } from './byteLineSplitter.js';
import type { OutputEncoding } from './encodings.js';
import { LineSplitter } from './lineSplitter.js';
import { WholeCharDecoder } from './wholeCharDecoder.js';

/** Where the chunks of one stream go to become lines. */
export interface LineSink {
  push(chunk: Buffer): void;
  /** The end of the stream (or of a run): a last line without a terminator is emitted. */
  end(): void;
}

/**
 * The splitter for `encoding`: UTF-8 lines by `LineSplitter`; `utf16le` decoded first (a character split
 * across chunks waits in the decoder), then split as text, its length counted in UTF-8 bytes; the others
 * split as bytes, each line then encoded (or, for `'buffer'`, given as bytes).
 */
export function lineSink(encoding: OutputEncoding | 'buffer', maxLineLength: number, emit: (line: string | Buffer) => void, overflow: () => boolean): LineSink {
  if (encoding === 'utf8') return new LineSplitter(maxLineLength, emit, overflow);
  if (encoding === 'utf16le') {
    const decoder = new WholeCharDecoder('utf16le');
    const splitter = new LineSplitter(maxLineLength, emit, overflow);
    return {
      push: (chunk) => splitter.push(Buffer.from(decoder.write(chunk), 'utf8')),
      end: () => {
        const rest = decoder.end();
        if (rest !== '') splitter.push(Buffer.from(rest, 'utf8'));
        splitter.end();
      },
    };
  }
  return new ByteLineSplitter(maxLineLength, encoding === 'buffer' ? emit : (line) => emit(line.toString(encoding)), overflow);
}
