import type { Subscription } from 'rxjs';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import { safely } from '../io/reportError.js';
import type { ResolvedOptions } from '../options/validateOptions.js';

/** What the controls do to the run. */
export interface RunControlActions {
  readonly fail: (error: unknown) => void;
  readonly signal: (signal: NodeJS.Signals) => void;
  readonly timeout: () => void;
}

/**
 * What drives a running process from the outside, wherever it runs: the `signals` Observable and the
 * `timeout` timer (its stdin is its handle's). Started once the process runs; `exited` stops both (a late
 * error from `signals` must not fail a finished run). Idempotent.
 */
export class RunControls {
  private signalsSubscription: Subscription | undefined;
  private cancelTimer: CancelTimeout | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly actions: RunControlActions,
  ) {}

  /** Starts them; `isEnded` tells whether one of them has already failed the run synchronously. */
  start(isEnded: () => boolean): void {
    const { signals, timeout } = this.options;
    if (signals !== undefined && !isEnded()) {
      const subscription = signals.subscribe({ next: this.actions.signal, error: this.actions.fail });
      if (isEnded()) subscription.unsubscribe();
      else this.signalsSubscription = subscription;
    }
    if (timeout !== undefined && Number.isFinite(timeout) && !isEnded()) {
      // Confirmed after a poll: a process that exited before the deadline is never a timeout, however late
      // the loop sees its exit (seeing it cancels the timer).
      this.cancelTimer = ioTimeout(timeout, this.actions.timeout);
    }
  }

  /** The process exited, or the run is over: nothing can be signalled or timed out any more. */
  exited(): void {
    this.cancelTimer?.();
    safely(() => this.signalsSubscription?.unsubscribe());
  }
}
