import { isObservable, type Observable, type Subscription } from 'rxjs';
import type { Writable } from 'node:stream';
import { FlowGate, withFlowGate } from './flowGate.js';
import { safely } from './reportError.js';

/** Something the stdin source did wrong, or its own error: the process is killed and this is reported. */
export type StdinFailure = (error: unknown) => void;

/**
 * Writes `source` into the child's stdin and closes it (EOF) when the source ends. A child that exits or
 * closes its stdin early is not an error (EPIPE and friends are swallowed: the exit status decides), and
 * the source is then unsubscribed. Processes at the source of an Observable are held back while the pipe
 * is full (see {@link FlowGate}). Returns the cleanup, which stops the source.
 */
export function feedStdin(stdin: Writable, source: Observable<string | Uint8Array> | string | Uint8Array, fail: StdinFailure): () => void {
  if (!isObservable(source)) {
    stdin.end(source);
    return () => undefined;
  }
  let subscription: Subscription | undefined;
  const gate = new FlowGate();
  // Called from a stream event too: what the source's own teardown throws must not escape there. The gate
  // is released first: the source's processes may feed other consumers too (`share()`).
  const stop = (): void => {
    gate.close();
    safely(() => subscription?.unsubscribe());
  };
  const drained = (): void => gate.resume();
  // The reader went away: nothing more will be read, so stop producing.
  stdin.once('close', stop);
  stdin.on('drain', drained);
  subscription = withFlowGate(gate, () =>
    source.subscribe({
      next: (chunk) => {
        if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
          fail(notAChunk(chunk));
        } else if (stdin.writable && !stdin.write(chunk)) {
          gate.pause();
        }
      },
      error: (error: unknown) => {
        gate.close();
        fail(error);
      },
      complete: () => {
        gate.close();
        stdin.end();
      },
    }),
  );
  if (stdin.destroyed) stop();
  return () => {
    stdin.removeListener('close', stop);
    stdin.removeListener('drain', drained);
    stop();
  };
}

/** The error for a value of a `stdin` Observable that is neither text nor bytes (also for a terminal's input). */
export function notAChunk(value: unknown): TypeError {
  return new TypeError(`stdin: the Observable emitted ${describe(value)}; expected a string or a Uint8Array`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a primitive by now (objects returned above)
  return `a ${typeof value} (${String(value)})`;
}
