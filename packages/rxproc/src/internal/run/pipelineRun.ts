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
 * A stage made with `from: 'stderr'` gets the previous stage's stderr instead (which is then not read here).
 *
 * Emits the last stage's events, every upstream stage's stderr, and each stage's `spawn` and `exit` with
 * its `stage` index. The last stage's `exit` is held until every other stage's outcome is in, so that it is
 * the last event. Outcome (pipefail, with early exit):
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
  // The last stage's exit, held until the pipeline ends so that it is the last event.
  let lastExit: ProcessEvent | undefined;
  const flushExit = (): void => {
    const exit = lastExit;
    lastExit = undefined;
    if (exit !== undefined) subscriber.next(exit);
  };
  const fail = (error: unknown): void => {
    flushExit();
    subscriber.error(error);
  };
  subscriber.add(() => {
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  const completeIfDone = (): void => {
    if (!lastCompleted || !settled.every(Boolean)) return;
    flushExit();
    subscriber.complete();
  };

  /** Stage `reader` exited: stop what still writes into it (and further up); what has ended counts. */
  const stopUpstreamOf = (reader: number): void => {
    // Decided after one more poll: an upstream whose end is already waiting there (its exit, or a remote
    // stage's exit report on ssh's stderr, which can trail the EOF its reader saw) ended on its own, and its
    // outcome counts (pipefail); only what is still running then is stopped.
    setImmediate(() => {
      if (subscriber.closed) return;
      for (let i = 0; i < reader; i++) {
        if (settled[i] || runs[i]!.hasEnded) continue;
        settled[i] = true;
        subscriptions[i]?.unsubscribe();
      }
      completeIfDone();
    });
  };

  const upstream = (i: number): Partial<Observer<ProcessEvent>> => ({
    next: (event) => {
      if (event.type === 'stderr' || event.type === 'message') subscriber.next(event);
      else if (event.type === 'spawn') subscriber.next({ ...event, stage: i });
      else if (event.type === 'exit') {
        subscriber.next({ ...event, stage: i });
        if (i > 0) stopUpstreamOf(i);
        stop.exited(i);
      }
    },
    error: fail,
    complete: () => {
      settled[i] = true;
      completeIfDone();
    },
  });

  const downstream: Partial<Observer<ProcessEvent>> = {
    next: (event) => {
      if (event.type === 'exit') {
        lastExit = { ...event, stage: last };
        stopUpstreamOf(last);
      } else subscriber.next(event.type === 'spawn' ? { ...event, stage: last } : event);
    },
    error: fail,
    complete: () => {
      lastCompleted = true;
      completeIfDone();
    },
  };

  for (let i = 0; i <= last && !subscriber.closed; i++) {
    const fromStderr = (stage: number): boolean => stages[stage]?.from === 'stderr';
    const previous = runs[i - 1];
    const stdinFrom = (fromStderr(i) ? previous?.stderr : previous?.stdout) ?? undefined;
    const io = { stdinFrom, handOverStdout: i < last && !fromStderr(i + 1), handOverStderr: i < last && fromStderr(i + 1) };
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
