import type { MessageEvent } from '../../events.js';

/** What the output operators accept: process events (any `type`) or plain chunks of text or bytes. */
export type ChunkOrEvent = string | Uint8Array | { readonly type: string; readonly data?: Uint8Array } | MessageEvent;

/** A Uint8Array as a Buffer over the same memory (no copy). */
export const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * The bytes `value` contributes to `stream`: a plain chunk always counts, a process event only when its
 * `type` is `stream`. `undefined` for other events; a `TypeError` for what is neither.
 */
export function toBuffer(value: ChunkOrEvent, stream: 'stdout' | 'stderr'): Buffer | TypeError | undefined {
  if (value instanceof Uint8Array) return asBuffer(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'object' && value !== null && typeof value.type === 'string') {
    if (value.type !== stream) return undefined;
    if (value.data instanceof Uint8Array) return asBuffer(value.data);
  }
  return new TypeError(`expected a process event, a string or a Uint8Array, got ${value === null ? 'null' : typeof value}`);
}
