import type { Observable } from 'rxjs';

/**
 * The options of `SpawnOptions` for Node's IPC channel with a Node child: `ipc`, `send`,
 * `serialization`. Local only: refused with `host`. See docs/ipc.md.
 *
 * @example
 * ```ts
 * import { spawn$, type IpcOptions } from 'rxproc';
 *
 * const ipc: IpcOptions = { ipc: true, serialization: 'advanced' };
 * spawn$('node', ['-e', 'process.send(new Map([["n", 1n]]), () => process.disconnect())'], ipc).subscribe((event) => {
 *   if (event.type === 'message') console.log(event.data); // Map(1) { 'n' => 1n }
 * });
 * ```
 */
export interface IpcOptions {
  /**
   * Open Node's IPC channel to the child (a Node script: `process.send`, `process.on('message')`). Each
   * message from the child is a `{ type: 'message', data }` event. The run ends once the process exited,
   * its output was read and the channel closed (or `drainTimeout` passed). Default `false`. Local only:
   * refused with `host`. See docs/ipc.md.
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * const worker = 'process.send({ progress: 50 }); process.send({ progress: 100 }, () => process.disconnect())';
   * spawn$('node', ['-e', worker], { ipc: true }).subscribe((event) => {
   *   if (event.type === 'message') console.log('worker:', event.data);
   * });
   * ```
   */
  readonly ipc?: boolean;
  /**
   * Values to send to the child over the IPC channel (needs `ipc: true`): subscribed after the spawn, each
   * value sent in order, the next only once the previous was handed to the operating system (processes at
   * the source are held back meanwhile, see FlowGate). Sending stops at the child's exit. A value that
   * cannot be serialised, or an error of the Observable, errors the process Observable (the process is
   * killed). The channel stays open when it completes: the child may still answer.
   *
   * @example
   * ```ts
   * import { of } from 'rxjs';
   * import { spawn$ } from 'rxproc';
   *
   * const script = 'process.on("message", (m) => process.send(m * 2, () => m === 3 && process.disconnect()))';
   * spawn$('node', ['-e', script], { ipc: true, send: of(1, 2, 3) }).subscribe((event) => {
   *   if (event.type === 'message') console.log(event.data); // 2, 4, 6
   * });
   * ```
   */
  readonly send?: Observable<unknown>;
  /**
   * How IPC messages are serialised (needs `ipc: true`): `'json'` (the default), or `'advanced'` (the
   * structured clone of `v8.serialize`: `Map`, `Set`, `BigInt`, `Date`, typed arrays, circular objects).
   * The child must be a Node process started with the same setting (it is, when spawned through this option).
   */
  readonly serialization?: 'json' | 'advanced';
}
