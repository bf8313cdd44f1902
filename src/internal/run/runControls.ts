import type { ChildProcess } from 'node:child_process';
import type { Subscription } from 'rxjs';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import { feedStdin } from '../io/feedStdin.js';
import { safely } from '../io/reportError.js';
import type { ProcessSpec } from '../local/spawnChild.js';

/** What the controls do to the run. */
export interface RunControlActions {
  readonly fail: (error: unknown) => void;
  readonly signal: (signal: NodeJS.Signals) => void;
  readonly timeout: () => void;
}

/**
 * What drives a running child from the outside: the `stdin` source fed into its pipe, the `signals`
 * Observable, and the `timeout` timer. Started once the child runs; `exited` stops what no longer applies
 * (a late error from `signals` must not fail a finished run), `stop` stops everything. Both idempotent.
 */
export class RunControls {
  private stopStdin: (() => void) | undefined;
  private signalsSubscription: Subscription | undefined;
  private cancelTimer: CancelTimeout | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly spec: ProcessSpec,
    private readonly actions: RunControlActions,
  ) {}

  /** Starts them; `isEnded` tells whether one of them has already failed the run synchronously. */
  start(isEnded: () => boolean): void {
    const { stdin, signals, timeout } = this.spec.options;
    const { child } = this;
    if (child.stdin !== null && this.spec.stdinFrom === undefined && stdin !== undefined && stdin !== 'inherit' && stdin !== 'ignore') {
      this.stopStdin = feedStdin(child.stdin, stdin, this.actions.fail);
    }
    if (signals !== undefined && !isEnded()) {
      const subscription = signals.subscribe({ next: this.actions.signal, error: this.actions.fail });
      if (isEnded()) subscription.unsubscribe();
      else this.signalsSubscription = subscription;
    }
    if (timeout !== undefined && Number.isFinite(timeout) && !isEnded()) {
      // Confirmed after a poll: a child that exited before the deadline is never a timeout, however late
      // the loop sees its exit (seeing it cancels the timer).
      this.cancelTimer = ioTimeout(timeout, this.actions.timeout);
    }
  }

  /** The child exited: nothing can be signalled or timed out any more. */
  exited(): void {
    this.cancelTimer?.();
    safely(() => this.signalsSubscription?.unsubscribe());
  }

  /** The run is over: stop feeding stdin too. */
  stop(): void {
    this.exited();
    if (this.stopStdin !== undefined) safely(this.stopStdin);
    this.stopStdin = undefined;
  }
}
