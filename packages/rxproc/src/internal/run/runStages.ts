import type { Subscriber } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { safely } from '../io/reportError.js';
import { LocalHandle } from '../local/localHandle.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { ProcessHandle } from '../processHandle.js';
import { openRemoteStages } from '../remote/openRemoteStages.js';
import { runPipeline } from './pipelineRun.js';
import { ProcessRun } from './processRun.js';

/**
 * What a subscription to a process Observable does: one handle per stage, then a run (one process) or a
 * pipeline run. Local stages get their handles at once; when a stage has a `host`, the remote side (its
 * one entry point) first gets a session on a connection for each remote stage. A local run never reaches
 * the remote code.
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
  openRemoteStages(subscriber, stages, startedAt, start, abandoned);
}
