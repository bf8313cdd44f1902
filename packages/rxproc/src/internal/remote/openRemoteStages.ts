import type { Subscriber } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { localHandleFor } from '../local/localHandleFor.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { ProcessHandle } from '../processHandle.js';
import { acquireSessions } from './pool/acquireSessions.js';
import { RemoteHandle } from './run/remoteHandle.js';

export { closeAllPools } from './pool/pools.js';

/**
 * The remote side's one entry point: gets a session on a connection for each remote stage (see
 * {@link acquireSessions}), then gives `start` a handle per stage: a {@link RemoteHandle} for a remote
 * stage, a {@link LocalHandle} for a local one in the same pipeline.
 */
export function openRemoteStages(
  subscriber: Subscriber<ProcessEvent>,
  stages: readonly StageSpec[],
  startedAt: number,
  start: (handles: readonly ProcessHandle[]) => void,
  abandoned: () => void,
): void {
  acquireSessions(
    subscriber,
    stages,
    startedAt,
    (sessions) => {
      // A `stop` on any stage stops every stage (see PipelineStop): each remote one must be able to take it.
      const pipelineStop = stages.length > 1 && stages.some((stage) => stage.options.stop !== undefined);
      const handles = stages.map((stage, i) => {
        const session = sessions[i];
        return session === undefined ? localHandleFor(stage, startedAt) : new RemoteHandle(stage, session, startedAt, pipelineStop);
      });
      start(handles);
    },
    abandoned,
  );
}
