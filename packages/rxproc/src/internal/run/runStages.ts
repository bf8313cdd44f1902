import type { Subscriber } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { safely } from '../io/reportError.js';
import { localHandleFor } from '../local/localHandleFor.js';
import { loadPty, ptyLoader, ptyMissing } from '../local/loadPty.js';
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
 * loads the remote code. A stage with `tty` first loads the PTY package (once; see `loadPty.ts`).
 */
export function runStages(subscriber: Subscriber<ProcessEvent>, stages: readonly StageSpec[]): void {
  const startedAt = performance.now();
  const start = (handles: readonly ProcessHandle[]): void => {
    if (stages.length === 1) new ProcessRun(subscriber, stages[0]!, handles[0]!, startedAt).start();
    else runPipeline(subscriber, stages, handles, startedAt);
  };
  // Unsubscribed (or failed to connect) before anything was spawned: each stage's run is over as it stands.
  const abandoned = (): void => {
    for (const { options } of stages) if (options.onSettled !== undefined) safely(options.onSettled);
  };
  // Backpressure is enrolled at subscription, though the PTY package, the remote side and the sessions come later.
  const gate = currentFlowGate();
  const tty = stages.find((stage) => stage.options.tty !== undefined);
  if (tty !== undefined && ptyLoader.loaded === undefined) {
    loadPty().then(
      () => (subscriber.closed ? abandoned() : withFlowGate(gate, openStages)),
      (error: unknown) => {
        subscriber.error(ptyMissing(tty, error, startedAt));
        abandoned();
      },
    );
    return;
  }
  openStages();

  function openStages(): void {
    if (stages.every((stage) => stage.options.host === undefined)) return start(stages.map((stage) => localHandleFor(stage, startedAt)));
    remoteSide().then(
      ({ openRemoteStages }) => {
        if (subscriber.closed) return abandoned();
        withFlowGate(gate, () => openRemoteStages(subscriber, stages, startedAt, start, abandoned));
      },
      (error: unknown) => subscriber.error(error),
    );
  }
}
