import { isCharacterEncoding, type OutputEncoding } from './encodings.js';
import { WholeCharDecoder } from './wholeCharDecoder.js';

type Stream = 'stdout' | 'stderr';

/** Collected output, decoded: `all` only when asked for. */
export interface DecodedOutput {
  readonly stdout: string | Buffer;
  readonly stderr: string | Buffer;
  readonly all?: string | Buffer;
}

/**
 * The bytes of stdout and stderr, kept as the chunks that came (at most `maxBuffer` of each), with their
 * order when `all` is asked for; decoded once, at the end. Decoding the whole of a stream at once keeps a
 * character or a base64 group split across chunks whole.
 */
export class OutputCollector {
  private chunks: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };
  private sizes: Record<Stream, number> = { stdout: 0, stderr: 0 };
  /** The stream of each chunk, in the order read (only with `all`). */
  private order: Stream[] = [];
  /** The stream cut at `maxBuffer`, if one was. */
  private cut: Stream | undefined;

  constructor(
    private readonly encoding: OutputEncoding | 'buffer',
    private readonly maxBuffer: number,
    private readonly all: boolean,
  ) {}

  /** Keeps `data`; `false` (keeping what fits, up to `maxBuffer`) when the stream goes over the limit. */
  push(stream: Stream, data: Buffer): boolean {
    const room = this.maxBuffer - this.sizes[stream];
    if (data.length <= room) {
      this.keep(stream, data);
      return true;
    }
    if (room > 0) this.keep(stream, data.subarray(0, room));
    this.cut = stream;
    return false;
  }

  /** A new run (`restart`): what the previous one said is dropped. */
  reset(): void {
    this.chunks = { stdout: [], stderr: [] };
    this.sizes = { stdout: 0, stderr: 0 };
    this.order = [];
    this.cut = undefined;
  }

  /** The output so far, in the encoding. */
  decode(): DecodedOutput {
    const stdout = this.decodeStream('stdout');
    const stderr = this.decodeStream('stderr');
    return this.all ? { stdout, stderr, all: this.decodeAll() } : { stdout, stderr };
  }

  private keep(stream: Stream, data: Buffer): void {
    this.chunks[stream].push(data);
    this.sizes[stream] += data.length;
    if (this.all) this.order.push(stream);
  }

  private decodeStream(stream: Stream): string | Buffer {
    const bytes = Buffer.concat(this.chunks[stream], this.sizes[stream]);
    if (this.encoding === 'buffer') return bytes;
    // Cut at the limit: a character cut in half is left out (a decoder's write keeps it back).
    if (this.cut === stream && isCharacterEncoding(this.encoding)) return new WholeCharDecoder(this.encoding).write(bytes);
    return bytes.toString(this.encoding);
  }

  /**
   * Both streams in the order read. Bytes for `'buffer'`; text decoded per stream for `utf8` and
   * `utf16le` (a character split across two stdout chunks stays whole when stderr came between them);
   * the interleaved bytes encoded at once otherwise (`base64` of `all` decodes to the interleaved bytes).
   */
  private decodeAll(): string | Buffer {
    const at = { stdout: 0, stderr: 0 };
    const inOrder = this.order.map((stream) => this.chunks[stream][at[stream]++]!);
    const encoding = this.encoding;
    if (encoding === 'buffer') return Buffer.concat(inOrder);
    if (!isCharacterEncoding(encoding)) return Buffer.concat(inOrder).toString(encoding);
    const decoders = { stdout: new WholeCharDecoder(encoding), stderr: new WholeCharDecoder(encoding) };
    let text = '';
    this.order.forEach((stream, i) => (text += decoders[stream].write(inOrder[i]!)));
    for (const stream of ['stdout', 'stderr'] as const) if (this.cut !== stream) text += decoders[stream].end();
    return text;
  }
}
