import { FlowGate as Gate, withFlowGate as subscribeThrough } from './internal/io/flowGate.js';

/**
 * Backpressure from a slow consumer to the processes that feed it. An Observable cannot be paused, but
 * the processes at its source can: subscribe to a chain inside {@link withFlowGate}, and every process
 * spawned synchronously by that subscription (through `map`, `filter`, `lines`, `pipeTo`, and the respawns
 * of `retryOnExit`) enrols its stdout in the gate. `pause()` when your sink is full stops reading them all;
 * their pipes then fill and the processes block in `write()`, so memory stays bounded whatever the amount
 * of data. `resume()` when the sink has drained. A process subscribed later, asynchronously (inside
 * `mergeMap` when a timer fires, say), is not enrolled.
 *
 * `close()` when you are done with the gate (the subscription ended): it releases every member and never
 * holds one back again, so a source shared with other consumers does not stall. `pipeTo` uses a gate of
 * its own for the stdin it writes; this is the same mechanism for any other sink.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { FlowGate, withFlowGate, spawn$, lines } from 'rxproc';
 *
 * // Write a huge output, line by line, into a slow sink without buffering it in memory.
 * const sink = createWriteStream('/tmp/numbers.txt');
 * const gate = new FlowGate();
 * const subscription = withFlowGate(gate, () =>
 *   spawn$('seq', ['10000000']).pipe(lines()).subscribe({
 *     next: (line) => {
 *       if (sink.write(`${line}\n`) || gate.isPaused) return;
 *       gate.pause(); // the sink is full: stop reading seq's stdout
 *       sink.once('drain', () => gate.resume());
 *     },
 *     complete: () => sink.end(),
 *   }),
 * );
 * subscription.add(() => gate.close());
 * ```
 */
export class FlowGate extends Gate {}

/**
 * Runs `subscribe` with `gate` open for enrolment: every process spawned synchronously inside it enrols
 * its stdout in the gate (see {@link FlowGate}). Nested calls shadow outer ones; `undefined` opens none
 * (the processes subscribed inside are then held back by no gate, not even an outer one).
 *
 * @example
 * ```ts
 * import { FlowGate, withFlowGate, spawn$ } from 'rxproc';
 *
 * const gate = new FlowGate();
 * const subscription = withFlowGate(gate, () => spawn$('yes').subscribe());
 * gate.pause(); // yes blocks in write() once its pipe is full
 * setTimeout(() => {
 *   gate.close();
 *   subscription.unsubscribe();
 * }, 1000);
 * ```
 *
 * @param gate The gate the processes enrol in.
 * @param subscribe Subscribes to the chain (synchronously); its return value is returned.
 * @returns What `subscribe` returned (typically the `Subscription`).
 */
export function withFlowGate<T>(gate: FlowGate | undefined, subscribe: () => T): T {
  return subscribeThrough(gate, subscribe);
}
