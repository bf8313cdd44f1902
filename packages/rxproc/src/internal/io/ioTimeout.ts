/** Cancels an {@link ioTimeout}; idempotent. */
export type CancelTimeout = () => void;

/**
 * Like `setTimeout`, but the callback runs only after the event loop has polled I/O once more after the
 * delay ran out. A timer fires in the timers phase, ahead of the poll phase that reads what is already
 * waiting: an exit whose SIGCHLD arrived, bytes and EOF already in a pipe. On a loaded host the loop can
 * lag by seconds, so a plain timer would decide "timed out" or "nothing more came" about I/O that had in
 * fact already happened. The callback instead runs in the check phase (`setImmediate`), after that poll,
 * and sees it: every timer whose expiry decides an outcome goes through here.
 *
 * `unref`: the timer does not keep the host alive (for a tree being killed, a probe in the background).
 * The immediate after it stays referenced: an unref'd immediate would let the poll block until some other
 * event (a lone SIGTERM-ignoring child has none), delaying the callback by seconds or for good.
 */
export function ioTimeout(ms: number, callback: () => void, unref = false): CancelTimeout {
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    timer = undefined;
    immediate = setImmediate(() => {
      immediate = undefined;
      callback();
    });
  }, ms);
  if (unref) timer.unref();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = immediate = undefined;
  };
}

/** Resolves once the event loop has polled I/O once more (what is already waiting has been handled). */
export function afterIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
