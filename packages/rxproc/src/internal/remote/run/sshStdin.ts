import { concat, isObservable, Observable, of } from 'rxjs';
import type { Readable } from 'node:stream';
import type { StdinOption } from '../../../options.js';
import { currentFlowGate } from '../../io/flowGate.js';

/**
 * ssh's stdin: the preamble, then the command's stdin as given (the default and `'ignore'`: nothing, an EOF
 * right after the preamble). A stream (`'inherit'`, a pipeline stage's input) is read here, paused while
 * ssh's stdin is full, like the processes at the source of an Observable.
 */
export function withPreamble(preamble: Buffer, stdin: StdinOption | Readable | undefined): StdinOption {
  if (stdin === undefined || stdin === 'ignore') return preamble;
  if (stdin === 'inherit') return concat(of(preamble), fromStream(process.stdin));
  if (typeof stdin === 'string') return Buffer.concat([preamble, Buffer.from(stdin)]);
  if (stdin instanceof Uint8Array) return Buffer.concat([preamble, stdin]);
  if (isObservable(stdin)) return concat(of(preamble), stdin);
  return concat(of(preamble), fromStream(stdin));
}

function fromStream(stream: Readable): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    const gate = currentFlowGate();
    const data = (chunk: Buffer | string): void => subscriber.next(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const end = (): void => subscriber.complete();
    const error = (err: Error): void => subscriber.error(err);
    stream.on('data', data);
    stream.once('end', end);
    stream.once('error', error);
    gate?.add(stream);
    stream.resume();
    return () => {
      gate?.remove(stream);
      stream.off('data', data);
      stream.off('end', end);
      stream.off('error', error);
      // The host's stdin stays usable; a pipeline stage's pipe is closed, as ssh's exit closed it before.
      if (stream === process.stdin) stream.pause();
      else stream.destroy();
    };
  });
}
