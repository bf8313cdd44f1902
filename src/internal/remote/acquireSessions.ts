import type { Subscriber } from 'rxjs';
import { ConnectionError } from '../../errors/ConnectionError.js';
import type { ProcessEvent } from '../../events.js';
import type { StageSpec } from '../../processObservable.js';
import { requestSlot, type SessionSlot } from './connectionPool.js';

/**
 * Gets a place on a connection for every remote stage, then calls `start` with the stages to spawn
 * (all in one tick, as a pipeline needs). Local stages need nothing: without a remote stage, `start` runs
 * at once. Until `start`, an unsubscribe withdraws the requests and gives back what was granted; after,
 * each stage's run owns its slot. A host that cannot be reached fails the subscriber with a
 * `ConnectionError` (phase `'connect'`), and nothing is spawned.
 */
export function acquireSessions(
  subscriber: Subscriber<ProcessEvent>,
  stages: readonly StageSpec[],
  start: (stages: ReadonlyArray<StageSpec & { readonly session?: SessionSlot; readonly subscribedAt?: number }>) => void,
): void {
  const remote = stages.flatMap((stage, index) => (stage.options.host === undefined ? [] : [index]));
  if (remote.length === 0) return start(stages);
  const startedAt = performance.now();
  const slots: Array<SessionSlot | undefined> = [];
  const withdrawals: Array<() => void> = [];
  let waiting = remote.length;
  let settled = false;
  const giveBack = (): void => {
    if (settled) return;
    settled = true;
    for (const withdraw of withdrawals) withdraw();
    for (const slot of slots) slot?.release();
  };
  subscriber.add(giveBack);
  for (const index of remote) {
    const stage = stages[index]!;
    const host = stage.options.host!;
    withdrawals.push(
      requestSlot(host, {
        grant: (slot) => {
          if (settled) return slot.release();
          slots[index] = slot;
          if (--waiting > 0) return;
          settled = true;
          start(stages.map((each, i) => ({ ...each, session: slots[i], subscribedAt: startedAt })));
        },
        fail: (sshMessage) => {
          if (settled) return;
          giveBack();
          const { command, args } = stage;
          const durationMs = performance.now() - startedAt;
          subscriber.error(new ConnectionError({ command, args, pid: undefined, durationMs, host: host.label, phase: 'connect', sshMessage, sshExitCode: null }));
        },
      }),
    );
  }
}
