/** Keeps the last `limit` bytes of a stream, whatever its length: memory stays bounded. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }

  /** The tail as UTF-8, starting at a character boundary when the cut fell inside one. */
  toString(): string {
    let tail = Buffer.concat(this.chunks, this.size);
    if (tail.length > this.limit) tail = tail.subarray(tail.length - this.limit);
    // Skip UTF-8 continuation bytes left over from a character cut in half.
    let start = 0;
    while (start < tail.length && start < 3 && (tail[start]! & 0xc0) === 0x80) start++;
    return tail.subarray(start).toString('utf8');
  }
}
