import { take, type Subscription } from 'rxjs';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import { safely } from '../io/reportError.js';
import type { ResolvedOptions } from '../options/validateOptions.js';

/** What the controls do to the run. */
export interface RunControlActions {
  readonly fail: (error: unknown) => void;
  readonly signal: (signal: NodeJS.Signals) => void;
  readonly timeout: () => void;
  /** The first value of `stop`: start the kill sequence, and let the run end as a success. */
  readonly stop: () => void;
}

/**
 * What drives a running process from the outside, wherever it runs: the `signals` and `stop` Observables
 * and the `timeout` timer (its stdin is its handle's). Started once the process runs; `exited` stops them
 * all (a late error from `signals` or `stop` must not fail a finished run). The first value of `stop` also
 * stops the timer: the kill sequence has begun, and its end is not a timeout. Idempotent.
 */
export class RunControls {
  private signalsSubscription: Subscription | undefined;
  private stopSubscription: Subscription | undefined;
  private cancelTimer: CancelTimeout | undefined;
  private stopped = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly actions: RunControlActions,
  ) {}

  /** Starts them; `isEnded` tells whether one of them has already failed the run synchronously. */
  start(isEnded: () => boolean): void {
    const { signals, timeout, stop } = this.options;
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
    if (stop !== undefined && !isEnded()) {
      const subscription = stop.pipe(take(1)).subscribe({ next: this.onStop, error: this.actions.fail });
      if (isEnded() || this.stopped) subscription.unsubscribe();
      else this.stopSubscription = subscription;
    }
  }

  /** The process exited, or the run is over: nothing can be signalled or timed out any more. */
  exited(): void {
    this.cancelTimer?.();
    safely(() => this.signalsSubscription?.unsubscribe());
    safely(() => this.stopSubscription?.unsubscribe());
  }

  private readonly onStop = (): void => {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    this.actions.stop();
  };
}
