import type { Subscriber } from 'rxjs';
import { ConnectionError } from '../../../errors/ConnectionError.js';
import type { ProcessEvent } from '../../../events.js';
import type { StageSpec } from '../../../processObservable.js';
import { currentFlowGate, withFlowGate } from '../../io/flowGate.js';
import { safely } from '../../io/reportError.js';
import { requestSlots, type SessionSlot } from './pools.js';

/** A stage ready to run: with its place on a connection when it is remote. */
export type ReadyStage = StageSpec & { readonly session?: SessionSlot; readonly subscribedAt?: number };

/**
 * Gets a place on a connection for every remote stage, then calls `start` with the stages to spawn (all
 * in one tick, as a pipeline needs). Without a remote stage, `start` runs at once. The places of one host
 * are requested together, and hosts one after another in a fixed order, so that pipelines waiting for
 * places never hold some while waiting for others (no deadlock between them). Until `start`, an
 * unsubscribe withdraws the requests and gives back what was granted; after, each stage owns its place.
 * A host that cannot be reached fails the subscriber with a `ConnectionError` (phase `'connect'`).
 */
export function acquireSessions(subscriber: Subscriber<ProcessEvent>, stages: readonly StageSpec[], start: (stages: readonly ReadyStage[]) => void): void {
  const byPool = new Map<string, number[]>();
  stages.forEach((stage, index) => {
    const key = stage.options.host?.poolKey;
    if (key !== undefined) byPool.set(key, [...(byPool.get(key) ?? []), index]);
  });
  if (byPool.size === 0) return start(stages);
  const startedAt = performance.now();
  // Backpressure is enrolled at subscription: the places may come later, from another chain's callback.
  const gate = currentFlowGate();
  const slots: Array<SessionSlot | undefined> = [];
  const groups = [...byPool.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, indexes]) => indexes);
  // One per host asked so far: a grant may come at once, inside requestSlots, and ask the next host there.
  const withdrawals: Array<() => void> = [];
  let settled = false;
  subscriber.add(() => {
    if (settled) return;
    settled = true;
    for (const withdraw of withdrawals) withdraw?.();
    for (const slot of slots) slot?.release();
    // Nothing was spawned: each stage's run is over as it stands.
    for (const stage of stages) if (stage.options.onSettled !== undefined) safely(stage.options.onSettled);
  });
  if (subscriber.closed) return;
  const next = (group: number): void => {
    if (group === groups.length) {
      settled = true;
      const ready = stages.map((stage, i) => ({ ...stage, session: slots[i], subscribedAt: startedAt }));
      return withFlowGate(gate, () => start(ready));
    }
    const indexes = groups[group]!;
    const first = stages[indexes[0]!]!;
    withdrawals[group] = requestSlots(first.options.host!, {
      count: indexes.length,
      grant: (granted) => {
        if (settled) return granted.forEach((slot) => slot.release());
        indexes.forEach((index, k) => (slots[index] = granted[k]));
        next(group + 1);
      },
      fail: (sshMessage) => {
        if (settled) return;
        const { command, args } = first;
        const durationMs = performance.now() - startedAt;
        subscriber.error(new ConnectionError({ command, args, pid: undefined, durationMs, host: first.options.host!.label, phase: 'connect', sshMessage, sshExitCode: null }));
      },
    });
  };
  next(0);
}
