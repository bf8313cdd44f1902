import type { Readable } from 'node:stream';
import type { Subscriber } from 'rxjs';
import type { ProcessEvent } from '../../events.js';
import { safely } from '../io/reportError.js';
import { isSignalName } from '../options/checks.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { HandleSink, ProcessHandle, RunEnd, StageIo } from '../processHandle.js';
import { exitFailure } from './exitFailure.js';
import { RunControls } from './runControls.js';

/**
 * One subscription's process, from spawn to teardown, wherever it runs (its {@link ProcessHandle} knows
 * where). The teardown is registered on the subscriber before anything is spawned; it is idempotent, emits
 * nothing and releases the handle, which signals only what is still alive. The run owns the outcome: the
 * `exit` event, success or `ProcessExitError`, the `timeout`, the `signals`, and `onSettled`.
 */
export class ProcessRun implements HandleSink {
  private ended = false;
  private started = false;
  private timedOut = false;
  /** Ended by the `stop` option (or its pipeline's): the outcome is a success, whatever the exit. */
  private stopped = false;
  private exitSeen = false;
  private settledSeen = false;
  private settledReported = false;
  private controls: RunControls | undefined;
  /** Events go straight to the subscriber: a stdout chunk is one call away from it. */
  readonly next: HandleSink['next'];

  constructor(
    private readonly subscriber: Subscriber<ProcessEvent>,
    private readonly spec: StageSpec,
    private readonly handle: ProcessHandle,
    /** When the subscription began (for a remote process, before the wait for a connection). */
    private readonly startedAt: number,
    private readonly io: StageIo = {},
    /** In a pipeline, the pipeline subscribes the stages' `stop` and calls {@link stop} on each stage. */
    private readonly stopByPipeline = false,
  ) {
    this.next = subscriber.next.bind(subscriber);
  }

  start(): void {
    this.subscriber.add(() => this.teardown());
    // A subscriber that is already closed (forkJoin after a sibling failed, …) gets nothing spawned.
    if (this.ended) return;
    this.started = true;
    if (!this.handle.start(this, this.io) || this.ended) return;
    const { options: own } = this.spec;
    const options = this.stopByPipeline && own.stop !== undefined ? { ...own, stop: undefined } : own;
    // Most runs have none of them: nothing to make on the path every spawn takes.
    if (options.signals === undefined && options.timeout === undefined && options.stop === undefined) return;
    this.controls = new RunControls(options, { fail: this.fail, signal: this.sendSignal, timeout: this.onTimeout, stop: () => this.stop() });
    this.controls.start(() => this.ended);
  }

  /** The host's end of the process's stdout pipe, for a pipeline to hand to the next stage. */
  get stdout(): Readable | null {
    return this.handle.stdout;
  }

  /** The host's end of the process's stderr pipe, for `pipeTo(…, { from: 'stderr' })`. */
  get stderr(): Readable | null {
    return this.handle.stderr ?? null;
  }

  /** Whether the process has ended (or never started). */
  get hasEnded(): boolean {
    return this.handle.hasEnded;
  }

  exited(): void {
    this.exitSeen = true;
    this.controls?.exited();
  }

  /**
   * The `stop` option: from now on the run ends as a success once the exit and the rest of the output are
   * in. With `signal` (the default) the tree is also stopped (`killSignal`, SIGKILL after `killTimeout`);
   * a pipeline marks every stage at once and signals them upstream first. Nothing once the exit was seen
   * (or after a timeout): that outcome stands. `true` when the run was marked.
   */
  stop(signal = true): boolean {
    if (this.ended || this.exitSeen || this.timedOut || !this.started) return false;
    this.stopped = true;
    if (signal) this.handle.terminate();
    return true;
  }

  /** The exit was seen and the output read (or the drain wait ran out): report it, then succeed or fail. */
  end(result: RunEnd | Error): void {
    if (this.ended) return;
    // The tree is stopped (what is left of it) before the final notification, so that
    // `liveProcessCount()` is already right in the subscriber's complete/error callback.
    if (result instanceof Error) {
      this.handle.terminate();
      return this.subscriber.error(result);
    }
    const durationMs = performance.now() - this.startedAt;
    const { pid, exitCode, signal, host, usage } = result;
    this.subscriber.next({
      type: 'exit',
      pid,
      exitCode,
      signal,
      durationMs,
      ...(host === undefined ? {} : { host }),
      ...(usage === undefined ? {} : { usage }),
    });
    if (this.ended) return;
    this.handle.terminate();
    const failure = this.stopped ? undefined : exitFailure(this.spec, { ...result, durationMs }, this.timedOut, () => this.handle.stderrTail());
    if (failure === undefined) this.subscriber.complete();
    else this.subscriber.error(failure);
  }

  readonly fail = (error: unknown): void => {
    if (!this.ended) this.subscriber.error(error);
  };

  settled(): void {
    this.settledSeen = true;
    if (this.ended) this.reportSettled();
  }

  /** The `timeout` ran out before the exit (confirmed after a poll: an exit already waiting was seen first). */
  private readonly onTimeout = (): void => {
    if (this.stopped) return;
    this.timedOut = true;
    this.handle.terminate('timeout');
  };

  private readonly sendSignal = (signal: NodeJS.Signals): void => {
    if (isSignalName(signal)) this.handle.signal(signal);
    else this.fail(new TypeError(`signals: the Observable emitted ${String(signal)}; expected a signal name such as 'SIGHUP'`));
  };

  private teardown(): void {
    if (this.ended) return;
    this.ended = true;
    // The kill first: nothing a user's source does in its own teardown may keep the process alive.
    this.handle.release();
    this.controls?.exited();
    if (!this.started || this.settledSeen) this.reportSettled();
  }

  /** The run is over and nothing it started is alive: tell the `onSettled` callback, once. */
  private reportSettled(): void {
    if (this.settledReported) return;
    this.settledReported = true;
    const { onSettled } = this.spec.options;
    if (onSettled !== undefined) safely(onSettled);
  }
}
