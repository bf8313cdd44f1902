import type { ProcessUsage } from '../containmentOptions.js';
// The seam between a run (src/internal/run: the subscription, its teardown, its outcome) and where its process
// lives: on this machine (local/localHandle.ts) or on another host over ssh (remote/run/remoteHandle.ts).
import type { Readable } from 'node:stream';
import type { MessageEvent, SpawnEvent, StderrEvent, StdoutEvent } from '../events.js';

/** How a process ended, as its `exit` event says. */
export interface RunEnd {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The remote host, for a process run over ssh. */
  readonly host?: string;
  /** What the tree cost, for a run in a cgroup. */
  readonly usage?: ProcessUsage;
}

/** How a process is wired into a pipeline; both absent for a lone process. */
export interface StageIo {
  /** Read stdin from this stream (the previous stage's stdout), not from the `stdin` option. */
  readonly stdinFrom?: Readable;
  /** Stdout belongs to the next stage: it is piped but never read here. */
  readonly handOverStdout?: boolean;
  /** Stderr belongs to the next stage (`pipeTo(…, { from: 'stderr' })`): piped but never read here. */
  readonly handOverStderr?: boolean;
}

/**
 * What a handle reports to its run. `next` carries the events in order (`spawn` first); then `exited` at
 * most once, then one of `end` or `fail`; `settled` comes last, once, also after `release`.
 */
export interface HandleSink {
  /** A property, not a method: it is handed on as it is (a chunk goes straight to the subscriber). */
  readonly next: (event: SpawnEvent | StdoutEvent | StderrEvent | MessageEvent) => void;
  /** The process exited: nothing is left to signal or time out, though its output may still be on its way. */
  exited(): void;
  /** The exit was seen and the output read to its end (or the drain ran out): how it ended, or the error that is. */
  end(result: RunEnd | Error): void;
  /** It could not be started, or failed while running (its stdin source, an error of the child). */
  fail(error: unknown): void;
  /** Nothing the handle started is alive any more, and what it held is given back. */
  settled(): void;
}

/**
 * One process as a run sees it, whatever carries it (tokio's pattern: a narrow handle over the platform
 * layer). `start` once; `terminate` and `release` are idempotent and never signal what is already gone.
 */
export interface ProcessHandle {
  /** Starts the process and reports to `sink`; `false` when nothing runs (it failed, or fails soon). */
  start(sink: HandleSink, io: StageIo): boolean;
  /** The host's end of the stdout pipe, for a pipeline to hand to the next stage. */
  readonly stdout: Readable | null;
  /** The host's end of the stderr pipe, for a pipeline to hand to the next stage (local processes only). */
  readonly stderr?: Readable | null;
  /** Whether the process has ended (or never started). */
  readonly hasEnded: boolean;
  /** The last 64 KiB of stderr, for a `ProcessExitError`. */
  stderrTail(): string;
  /** Sends `signal` to the process itself (the `signals` option). */
  signal(signal: NodeJS.Signals): void;
  /** Stops the whole tree (`'timeout'`: because the run's `timeout` ran out). */
  terminate(reason?: 'timeout'): void;
  /** The run is over: report nothing more but `settled`, stop the tree, close the pipes once it is gone. */
  release(): void;
}

/** The bytes of stderr a handle keeps for a `ProcessExitError`. */
export const STDERR_TAIL_BYTES = 64 * 1024;
