import { merge, take, type Observable, type Subscriber, type Subscription } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { ProcessRun } from './processRun.js';

/**
 * The `stop` option in a pipeline: a `stop` given to any stage stops every stage, upstream first, so that
 * the output still flows to the end. Its first value marks every stage still running as stopped (its end
 * is then a success, whatever its exit) and stops the first stage (`killSignal` to its group, SIGKILL after
 * its `killTimeout`). Each later stage reads the end of its input once the stage before it has exited, and
 * gets `killTimeout` (its own) to finish on its own (`cat | sort` prints what it sorted) before it is stopped
 * the same way. Subscribed once every stage is spawned; its teardown is the pipeline's.
 */
export class PipelineStop {
  private subscription: Subscription | undefined;
  private stopping = false;
  private readonly graces: CancelTimeout[] = [];
  private readonly graceStarted: boolean[] = [];

  constructor(
    private readonly subscriber: Subscriber<ProcessEvent>,
    private readonly stages: readonly StageSpec[],
    private readonly runs: readonly ProcessRun[],
  ) {
    subscriber.add(() => this.dispose());
  }

  /** Subscribes the stages' `stop` Observables (none given: nothing to do). */
  start(): void {
    const stops = this.stages.map((stage) => stage.options.stop).filter((stop): stop is Observable<unknown> => stop !== undefined);
    if (stops.length === 0 || this.subscriber.closed) return;
    const subscription = merge(...stops)
      .pipe(take(1))
      .subscribe({ next: () => this.stopAll(), error: (error: unknown) => this.subscriber.error(error) });
    if (this.subscriber.closed) subscription.unsubscribe();
    else this.subscription = subscription;
  }

  /** Stage `i` has exited (its `exit` event): while stopping, the stage it feeds gets its grace. */
  exited(i: number): void {
    if (this.stopping) this.upstreamGone(i + 1);
  }

  private stopAll(): void {
    if (this.stopping || this.subscriber.closed) return;
    this.stopping = true;
    for (const run of this.runs) run.stop(false);
    this.runs[0]?.stop();
    for (let i = 1; i < this.runs.length; i++) if (this.runs[i - 1]!.hasEnded) this.upstreamGone(i);
  }

  private upstreamGone(i: number): void {
    const run = this.runs[i];
    if (run === undefined || this.graceStarted[i] === true) return;
    this.graceStarted[i] = true;
    const { killTimeout } = this.stages[i]!.options;
    if (killTimeout === 0) run.stop();
    // Confirmed after a poll: a stage whose exit is already waiting is not signalled.
    else if (Number.isFinite(killTimeout)) this.graces.push(ioTimeout(killTimeout, () => run.stop()));
  }

  private dispose(): void {
    for (const cancel of this.graces) cancel();
    this.subscription?.unsubscribe();
  }
}
