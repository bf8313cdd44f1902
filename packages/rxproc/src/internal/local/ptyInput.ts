import type { Readable } from 'node:stream';
import { isObservable, type Observable } from 'rxjs';
import { safely } from '../io/reportError.js';
import { notAChunk, type StdinFailure } from '../io/feedStdin.js';

/** What a terminal is typed into: the PTY package's `write` takes bytes too, though its type says text. */
export interface PtyKeyboard {
  write(data: string): void;
}

/** Ctrl-D, the terminal's end-of-file: at the start of a line it makes the reader's `read()` return 0. */
const EOF = '\x04';

/**
 * Types `source` into the terminal and then end-of-file, as a person at the keyboard would: Ctrl-D, twice
 * after a line without its newline (the first hands that partial line over, the second is the end).
 * An Observable is subscribed now and unsubscribed by the returned cleanup; a stream (the previous stage's
 * output in a pipeline) is read to its end, and destroyed by the cleanup. The terminal takes what it is
 * given without backpressure. A program in raw mode reads Ctrl-D as an ordinary byte.
 */
export function typeInto(term: PtyKeyboard, source: Observable<string | Uint8Array> | string | Uint8Array | Readable, fail: StdinFailure): () => void {
  let lastByte = 0x0a;
  const type = (chunk: string | Uint8Array): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.length === 0) return;
    lastByte = bytes[bytes.length - 1]!;
    term.write(bytes as unknown as string);
  };
  const end = (): void => term.write(lastByte === 0x0a ? EOF : EOF + EOF);
  if (typeof source === 'string' || source instanceof Uint8Array) {
    type(source);
    end();
    return () => undefined;
  }
  if (isObservable(source)) {
    const subscription = source.subscribe({
      next: (chunk) => {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) type(chunk);
        else fail(notAChunk(chunk));
      },
      error: fail,
      complete: end,
    });
    return () => safely(() => subscription.unsubscribe());
  }
  const onData = (chunk: Buffer): void => type(chunk);
  // The previous stage's stdout, handed over: nobody else listens for its errors, which would crash the host.
  source.on('data', onData).once('end', end).on('error', fail);
  return () => {
    source.removeListener('data', onData).removeListener('end', end).removeListener('error', fail);
    source.destroy();
  };
}
