/**
 * The bound on a remote run's output after the helper reported the command's end. The output may still
 * be on its way (megabytes in ssh's buffers behind a slow reader), so this is not a deadline but an idle
 * time: the run is finished only once no output has come for `ms`, and never while the reader holds it
 * back (the flow gate is paused). What it ends is a wait for output nobody will send: a process that
 * escaped the remote group and keeps stdout open. `stop` is idempotent.
 */
export class IdleDrain {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    /** Whether the reader is holding the output back. */
    private readonly heldBack: () => boolean,
    private readonly expire: () => void,
  ) {}

  start(): void {
    if (Number.isFinite(this.ms) && this.timer === undefined) this.arm();
  }

  /** Output arrived: the idle time starts again. */
  activity(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      if (this.heldBack()) return this.arm();
      this.timer = undefined;
      this.expire();
    }, this.ms);
  }
}
