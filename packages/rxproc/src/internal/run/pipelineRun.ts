import { Observable, type Observer, type Subscriber, type Subscription } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { safely } from '../io/reportError.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { ProcessHandle } from '../processHandle.js';
import { PipelineStop } from './pipelineStop.js';
import { ProcessRun } from './processRun.js';

/**
 * Runs `a | b | c` with kernel pipes: each stage's stdout is handed to the next stage as its stdin when it
 * is spawned (all stages are spawned in the same tick, so not a byte is read by the host). The host keeps
 * its copy of each hand-over end until the writing stage is gone: a writer whose reader exited then blocks
 * instead of failing with EPIPE/ECONNRESET, so every failure an upstream stage reports is its own.
 *
 * Emits the last stage's events, plus every upstream stage's stderr. Outcome (pipefail, with early exit):
 * - a stage that fails on its own fails the pipeline with its error (which names its command);
 * - when a stage exits, the stages upstream of it that are still running are stopped (as on unsubscribe)
 *   and their outcome ignored: `yes | head -n 1` succeeds;
 * - the pipeline completes when the last stage has, and every other stage has completed or was stopped.
 * A `stop` on any stage stops every stage, upstream first, and the pipeline completes (see PipelineStop).
 */
export function runPipeline(subscriber: Subscriber<ProcessEvent>, stages: readonly StageSpec[], handles: readonly ProcessHandle[], startedAt: number): void {
  const last = stages.length - 1;
  const runs: ProcessRun[] = [];
  const subscriptions: Subscription[] = [];
  // settled[i]: the outcome of upstream stage i is in (completed) or does not count (stopped).
  const settled: boolean[] = new Array<boolean>(last).fill(false);
  let lastCompleted = false;
  const stop = new PipelineStop(subscriber, stages, runs);
  subscriber.add(() => {
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  const completeIfDone = (): void => {
    if (lastCompleted && settled.every(Boolean)) subscriber.complete();
  };

  /** Stage `reader` exited: stop what still writes into it (and further up); what has ended counts. */
  const stopUpstreamOf = (reader: number): void => {
    for (let i = 0; i < reader; i++) {
      if (settled[i] || runs[i]!.hasEnded) continue;
      settled[i] = true;
      subscriptions[i]?.unsubscribe();
    }
  };

  const upstream = (i: number): Partial<Observer<ProcessEvent>> => ({
    next: (event) => {
      if (event.type === 'stderr' || event.type === 'message') subscriber.next(event);
      else if (event.type === 'exit' && i > 0) stopUpstreamOf(i);
      if (event.type === 'exit') stop.exited(i);
    },
    error: (error: unknown) => subscriber.error(error),
    complete: () => {
      settled[i] = true;
      completeIfDone();
    },
  });

  const downstream: Partial<Observer<ProcessEvent>> = {
    next: (event) => {
      if (event.type === 'exit') stopUpstreamOf(last);
      subscriber.next(event);
    },
    error: (error: unknown) => subscriber.error(error),
    complete: () => {
      lastCompleted = true;
      completeIfDone();
    },
  };

  for (let i = 0; i <= last && !subscriber.closed; i++) {
    const io = { stdinFrom: runs[i - 1]?.stdout ?? undefined, handOverStdout: i < last };
    const stage$ = new Observable<ProcessEvent>((inner) => {
      runs[i] = new ProcessRun(inner, stages[i]!, handles[i]!, startedAt, io, true);
      runs[i]!.start();
    });
    subscriptions[i] = stage$.subscribe(i === last ? downstream : upstream(i));
  }
  if (runs.length === stages.length) stop.start();
  // Stages never started (an earlier one failed at once) give back what their handles hold (a session on
  // a connection), and their runs are over.
  stages.forEach((stage, i) => {
    if (runs[i] !== undefined) return;
    handles[i]!.release();
    if (stage.options.onSettled !== undefined) safely(stage.options.onSettled);
  });
}
