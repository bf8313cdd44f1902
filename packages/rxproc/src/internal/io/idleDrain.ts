import { ioTimeout, type CancelTimeout } from './ioTimeout.js';

/**
 * The bound on the wait for a process's output after its end, local or remote. It is an idle time, not a
 * deadline counted from the exit: the run is finished only once no output has come for `ms` **and** the
 * event loop has polled the pipes once more without finding any (see {@link ioTimeout}), and never while the
 * reader holds the output back (the flow gate is paused). So whatever the process wrote before it exited
 * (already in the pipe) is read first, however late the loop runs; what the drain ends is a wait for output
 * that nobody will send: a descendant, or a process that escaped the group, keeping the pipe open in
 * silence. A writer that never falls silent keeps the run open until it is unsubscribed.
 *
 * `activity` is called for every chunk, so it only counts; the timer is re-armed when it runs out.
 * `start` and `stop` are idempotent.
 */
export class IdleDrain {
  private cancel: CancelTimeout | undefined;
  private active = false;
  /** Chunks seen since `start`, and when the last one came. */
  private chunks = 0;
  private lastChunkAt = 0;

  constructor(
    private readonly ms: number,
    /** Whether the reader is holding the output back. */
    private readonly heldBack: () => boolean,
    private readonly expire: () => void,
  ) {}

  /** The process ended: from now on, `ms` of silence ends the wait. `Infinity` never does. */
  start(): void {
    if (this.active || !Number.isFinite(this.ms)) return;
    this.active = true;
    this.lastChunkAt = performance.now();
    this.arm(this.ms);
  }

  /** Output arrived. */
  activity(): void {
    if (!this.active) return;
    this.chunks++;
    this.lastChunkAt = performance.now();
  }

  stop(): void {
    this.active = false;
    this.cancel?.();
    this.cancel = undefined;
  }

  private arm(delay: number): void {
    const seen = this.chunks;
    this.cancel = ioTimeout(delay, () => {
      if (!this.active) return;
      // The poll that just ran read more: the silence starts again from that chunk.
      if (this.chunks !== seen) return this.arm(Math.max(0, this.ms - (performance.now() - this.lastChunkAt)));
      if (this.heldBack()) return this.arm(this.ms);
      this.stop();
      this.expire();
    });
  }
}
