import type { Subscriber } from 'rxjs';
import { ConnectionError } from '../../../errors/ConnectionError.js';
import type { ProcessEvent } from '../../../events.js';
import { currentFlowGate, withFlowGate } from '../../io/flowGate.js';
import type { StageSpec } from '../../options/stageSpec.js';
import { requestSessions, type Session } from './pools.js';

/**
 * Gets a session on a connection for every remote stage, then calls `start` with them (index by index, none
 * for a local stage), so that all stages can be spawned in one tick, as a pipeline needs. The sessions of one host
 * are requested together, and hosts one after another in a fixed order, so that pipelines waiting for
 * sessions never hold some while waiting for others (no deadlock between them). Until `start`, an
 * unsubscribe withdraws the requests and gives back what was granted; after, each stage owns its session.
 * A host that cannot be reached fails the subscriber with a `ConnectionError` (phase `'connect'`).
 */
export function acquireSessions(
  subscriber: Subscriber<ProcessEvent>,
  stages: readonly StageSpec[],
  startedAt: number,
  start: (sessions: ReadonlyArray<Session | undefined>) => void,
  /** Unsubscribed or failed before `start`: nothing was spawned. */
  abandoned: () => void,
): void {
  const byPool = new Map<string, number[]>();
  stages.forEach((stage, index) => {
    const key = stage.options.host?.poolKey;
    if (key !== undefined) byPool.set(key, [...(byPool.get(key) ?? []), index]);
  });
  // Backpressure is enrolled at subscription: the sessions may come later, from another chain's callback.
  const gate = currentFlowGate();
  const sessions: Array<Session | undefined> = [];
  const groups = [...byPool.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, indexes]) => indexes);
  // One per host asked so far: a grant may come at once, inside requestSessions, and ask the next host there.
  const withdrawals: Array<() => void> = [];
  let settled = false;
  subscriber.add(() => {
    if (settled) return;
    settled = true;
    for (const withdraw of withdrawals) withdraw?.();
    for (const session of sessions) session?.release();
    abandoned();
  });
  if (subscriber.closed) return;
  const next = (group: number): void => {
    if (group === groups.length) {
      settled = true;
      return withFlowGate(gate, () => start(stages.map((_, i) => sessions[i])));
    }
    const indexes = groups[group]!;
    const first = stages[indexes[0]!]!;
    withdrawals[group] = requestSessions(first.options.host!, {
      count: indexes.length,
      grant: (granted) => {
        if (settled) return granted.forEach((session) => session.release());
        indexes.forEach((index, k) => (sessions[index] = granted[k]));
        next(group + 1);
      },
      fail: (sshMessage) => {
        if (settled) return;
        const { command, args } = first;
        const durationMs = performance.now() - startedAt;
        subscriber.error(
          new ConnectionError({ command, args, pid: undefined, durationMs, host: first.options.host!.label, phase: 'connect', sshMessage, sshExitCode: null }),
        );
      },
    });
  };
  next(0);
}
