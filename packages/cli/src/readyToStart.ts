import { dependenciesOf } from './taskGraph.js';
import type { TaskState } from './taskState.js';

/**
 * Whether a waiting task can start now: its dependencies are met (`'start'`), not yet (`'wait'`), or never
 * (`skip`: why it is not started, when one of them failed, was stopped or was not started). A dependency
 * that may come back (held by `rxproc stop` or `autostart: false`, restarting, or failed and waiting for a
 * change of its files) is waited for.
 */
export function readyToStart(task: TaskState, stateOf: (name: string) => TaskState): 'start' | 'wait' | { readonly skip: string } {
  let verdict: 'start' | 'wait' = 'start';
  for (const [dep, condition] of dependenciesOf(task.config)) {
    const other = stateOf(dep);
    if (other.held !== undefined || other.restarting === true || other.awaitingChange === true) verdict = 'wait';
    else if (other.status === 'failed' || other.status === 'skipped' || other.status === 'stopped') {
      return { skip: `not started: ${dep} ${other.status === 'skipped' ? 'was not started' : 'failed'}` };
    } else if (condition === 'ready' ? !other.isReady : other.status !== 'completed') verdict = 'wait';
  }
  return verdict;
}
