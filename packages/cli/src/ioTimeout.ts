// The CLI's own copy of the library's timing rule (src/internal/ioTimeout.ts, which is not public): keep the
// two in step. A deadline about processes is decided only after the event loop has polled I/O once more.

/** Cancels an {@link ioTimeout}; idempotent. */
export type CancelTimeout = () => void;

/**
 * Like `setTimeout`, but the callback runs only after the event loop has polled I/O once more after the
 * delay ran out: on a loaded host the loop can lag by seconds, and an exit (or a tree's end) already waiting
 * in that poll must be seen before "it did not happen in time" is decided.
 */
export function ioTimeout(ms: number, callback: () => void): CancelTimeout {
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    timer = undefined;
    immediate = setImmediate(() => {
      immediate = undefined;
      callback();
    });
  }, ms);
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = immediate = undefined;
  };
}
