import type { ProcessUsage } from './containmentOptions.js';
/**
 * The events a process Observable emits, as a tagged union on `type`.
 *
 * Order: exactly one `spawn` first, then any number of `stdout`/`stderr` chunks in arrival order, then
 * exactly one `exit` last. A process that never started emits nothing and errors with a `SpawnError`.
 *
 * @example
 * ```ts
 * import { spawn$, type ProcessEvent } from 'rxproc';
 *
 * spawn$('echo', ['hi']).subscribe((event: ProcessEvent) => {
 *   if (event.type === 'stdout') process.stdout.write(event.data);
 *   if (event.type === 'exit') console.log('exit code', event.exitCode);
 * });
 * ```
 */
export type ProcessEvent = SpawnEvent | StdoutEvent | StderrEvent | ExitEvent | MessageEvent;

/** The process is running: emitted once, first. */
export interface SpawnEvent {
  readonly type: 'spawn';
  /** The operating-system process id, also the id of the process group rxproc created for it. */
  readonly pid: number;
  /** For a process run over ssh: the host, as given; `pid` is then the remote process id. */
  readonly host?: string;
  /**
   * In a pipeline (`pipeTo`), which process this is: 0 for the first. Every stage's `spawn` is emitted, in
   * stage order. Absent for a lone process.
   */
  readonly stage?: number;
}

/** A chunk of standard output, as read from the pipe (chunk boundaries are arbitrary). */
export interface StdoutEvent {
  readonly type: 'stdout';
  readonly data: Buffer;
}

/** A chunk of standard error, as read from the pipe (chunk boundaries are arbitrary). */
export interface StderrEvent {
  readonly type: 'stderr';
  readonly data: Buffer;
}

/**
 * The process ended and its output was read to the end: emitted once, last, before `complete` (or before
 * the `ProcessExitError` when the exit counts as a failure).
 */
export interface ExitEvent {
  readonly type: 'exit';
  readonly pid: number;
  /** For a process run over ssh: the host, as given; `pid` is then the remote process id. */
  readonly host?: string;
  /** The exit code, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process, or `null` when it exited by itself. */
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds from the subscription (the spawn) to the end of the output. */
  readonly durationMs: number;
  /**
   * In a pipeline (`pipeTo`), which process this is: 0 for the first. Each stage's `exit` is emitted (but
   * for a stage stopped because the stage it feeds exited first), and the pipeline's last event is still
   * the last stage's. Absent for a lone process.
   */
  readonly stage?: number;
  /**
   * What the whole tree cost, dead descendants included, read when the process exited: only for a run in
   * a cgroup (`containment`; see docs/termination.md).
   */
  readonly usage?: ProcessUsage;
}

/**
 * A message the child sent over Node's IPC channel (`process.send(value)` in a Node script): emitted only
 * with the `ipc: true` option, between `spawn` and `exit`, in the order the child sent them. `data` is
 * the value as deserialised (`serialization`: JSON by default). Messages and output travel on different
 * channels: a message is not ordered with the stdout/stderr chunks around it. See docs/ipc.md.
 *
 * @example
 * ```ts
 * import { spawn$ } from 'rxproc';
 *
 * spawn$('node', ['-e', 'process.send({ ready: true }); process.disconnect()'], { ipc: true }).subscribe((event) => {
 *   if (event.type === 'message') console.log('child says', event.data);
 * });
 * ```
 */
export interface MessageEvent {
  readonly type: 'message';
  /** The value the child sent, deserialised. */
  readonly data: unknown;
}

/** Any event's `type`. */
export type ProcessEventType = ProcessEvent['type'];

/**
 * Emitted by `retryOnExit` when it is about to respawn a process: after the previous run's `exit` (and its
 * error, if it failed), before the delay. The next run's events, from its `spawn`, follow.
 */
export interface RestartEvent {
  readonly type: 'restart';
  /** Which respawn this is: 1 for the first (the attempt counter, reset by `resetAfter`). */
  readonly attempt: number;
  /** How long rxproc waits before respawning, in ms. */
  readonly delayMs: number;
  /** Why: the previous run's error, or `undefined` when it succeeded (`when: 'always'`). */
  readonly error: unknown;
}
