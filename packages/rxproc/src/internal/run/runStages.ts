import type { Subscriber } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { safely } from '../io/reportError.js';
import { LocalHandle } from '../local/localHandle.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { ProcessHandle } from '../processHandle.js';
import { currentFlowGate, withFlowGate } from '../io/flowGate.js';
import { remoteSide } from '../remoteSide.js';
import { runPipeline } from './pipelineRun.js';
import { ProcessRun } from './processRun.js';

/**
 * What a subscription to a process Observable does: one handle per stage, then a run (one process) or a
 * pipeline run. Local stages get their handles at once; when a stage has a `host`, the remote side (loaded
 * then, see `remoteSide.ts`) first gets a session on a connection for each remote stage. A local run never
 * loads the remote code.
 */
export function runStages(subscriber: Subscriber<ProcessEvent>, stages: readonly StageSpec[]): void {
  const startedAt = performance.now();
  const start = (handles: readonly ProcessHandle[]): void => {
    if (stages.length === 1) new ProcessRun(subscriber, stages[0]!, handles[0]!, startedAt).start();
    else runPipeline(subscriber, stages, handles, startedAt);
  };
  if (stages.every((stage) => stage.options.host === undefined)) return start(stages.map((stage) => new LocalHandle(stage, startedAt)));
  // Unsubscribed (or failed to connect) before anything was spawned: each stage's run is over as it stands.
  const abandoned = (): void => {
    for (const { options } of stages) if (options.onSettled !== undefined) safely(options.onSettled);
  };
  // Backpressure is enrolled at subscription, though the remote side (and then the sessions) come later.
  const gate = currentFlowGate();
  remoteSide().then(
    ({ openRemoteStages }) => {
      if (subscriber.closed) return abandoned();
      withFlowGate(gate, () => openRemoteStages(subscriber, stages, startedAt, start, abandoned));
    },
    (error: unknown) => subscriber.error(error),
  );
}
