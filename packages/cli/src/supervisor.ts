import { ReplaySubject } from 'rxjs';
import { FlowGate, killAllNow, ProcessExitError, SpawnError } from 'rxproc';
import type { Reporter } from './reporter.js';
import { RunTracker } from './runTracker.js';
import { runTask, type RunTaskContext } from './runTask.js';
import type { TaskFile } from './schema.js';
import { stillStopping } from './stillStopping.js';
import { stopInWaves } from './stopInWaves.js';
import { dependenciesOf } from './taskGraph.js';
import { stopGracefully } from './taskStop.js';
import { cancelWatches, markReady, resultOf, showEvent, type TaskState } from './taskState.js';

/**
 * Runs a task file: starts each task once its dependencies are ready (or completed), and ends when the
 * `until` task ends, when every task has completed, or at the first failure (fail-fast). A task's own run
 * is `runTask`'s; stopping, in waves, is `stopInWaves`'s.
 */
export class Supervisor {
  private readonly tasks: TaskState[];
  private finishing: Promise<number> | undefined;
  private code: number | undefined;
  /** Held closed while rxproc's own stdout is full. */
  readonly gate = new FlowGate();
  private resolveRun!: (code: number) => void;
  private summarised = false;
  /** Stops the "still stopping" lines of a stop under way. */
  private stopTicker: (() => void) | undefined;
  private readonly context: RunTaskContext;

  constructor(
    private readonly file: TaskFile,
    baseDir: string,
    private readonly reporter: Reporter,
    /** Added to every process's environment (FORCE_COLOR, see colourEnv). */
    extraEnv: Readonly<Record<string, string>> = {},
  ) {
    this.tasks = Object.entries(file.tasks).map(([name, config]) => ({
      name,
      config,
      status: 'waiting',
      isReady: false,
      restarts: 0,
      exitCode: null,
      signal: null,
      runs: new RunTracker(),
      stopSignal: new ReplaySubject<void>(1),
    }));
    this.context = {
      baseDir,
      logDir: file.logDir,
      reporter,
      extraEnv,
      gate: this.gate,
      isStopping: () => this.finishing !== undefined,
      stop: (task) => this.stopTask(task),
      ready: () => this.startWhatCan(),
      ended: (task, status, error) => this.ended(task, status, error),
    };
  }

  /** Runs everything; resolves to rxproc's exit code. */
  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.resolveRun = resolve));
    this.startWhatCan();
    return done;
  }

  /** Stops every task in order, then ends the run with `code`; `false` when a stop is already under way. */
  stop(code: number, why: string): boolean {
    if (this.finishing !== undefined) return false;
    this.finishing = this.shutdown(code, why);
    return true;
  }

  /** A second Ctrl-C: SIGKILL every process tree at once, then the summary; the run's code stays. */
  killNow(code: number): void {
    if (this.summarised) return;
    this.reporter.info('killing every task now (SIGKILL)');
    this.stopTicker?.();
    for (const task of this.tasks) {
      if (task.status === 'running' || task.status === 'ready') task.status = 'stopped';
      cancelWatches(task);
      task.subscription?.unsubscribe();
      task.stopCommand?.unsubscribe();
      task.stopTimer?.();
    }
    killAllNow();
    this.code ??= code;
    this.summarise(this.code);
  }

  /** The summary, the log files closed, and the run's end: once, whether the stop waves or a second Ctrl-C get there first. */
  private summarise(code: number): void {
    if (this.summarised) return;
    this.summarised = true;
    this.reporter.summary(this.tasks.map(resultOf), code);
    for (const task of this.tasks) task.log?.close();
    this.resolveRun(code);
  }

  private startWhatCan(): void {
    if (this.finishing !== undefined) return;
    for (const task of this.tasks) {
      if (task.status !== 'waiting') continue;
      let ready = true;
      for (const [dep, condition] of dependenciesOf(task.config)) {
        const other = this.state(dep);
        if (other.status === 'failed' || other.status === 'skipped' || other.status === 'stopped') {
          task.status = 'skipped';
          task.failure = `not started: ${dep} ${other.status === 'skipped' ? 'was not started' : 'failed'}`;
          ready = false;
          break;
        }
        if (condition === 'ready' ? !other.isReady : other.status !== 'completed') ready = false;
      }
      if (ready && task.status === 'waiting') runTask(task, this.context);
    }
    this.checkEnd();
  }

  private ended(task: TaskState, status: 'completed' | 'failed', error?: unknown): void {
    cancelWatches(task);
    task.log?.flush();
    // Stopped by rxproc: its last words and exit have been shown; its result stays "stopped by rxproc".
    if (task.status === 'stopped') return;
    task.endedAt = performance.now();
    task.status = status;
    if (status === 'completed') markReady(task, this.reporter);
    if (error instanceof ProcessExitError) {
      // (in a pipeline, the failing stage may not be the last one, whose exit event was reported)
      task.exitCode = error.exitCode;
      task.signal = error.signal;
    }
    if (error !== undefined) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a thrown non-Error is shown as String() shows it
      task.failure = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (error instanceof SpawnError) task.failure = `failed to start: ${error.message.replace(/^Failed to start /, '')}`;
      this.reporter.event(task.name, 'failed', { error: task.failure }, `failed: ${task.failure}`);
    }
    this.startWhatCan();
  }

  private checkEnd(): void {
    if (this.finishing !== undefined) return;
    const until = this.file.until === undefined ? undefined : this.state(this.file.until);
    if (until !== undefined && (until.status === 'completed' || until.status === 'failed' || until.status === 'skipped')) {
      const code = until.status === 'completed' ? 0 : until.exitCode !== null && until.exitCode !== 0 ? until.exitCode : 1;
      const how = until.status === 'completed' ? 'completed' : until.status === 'skipped' ? `was ${until.failure ?? 'not started'}` : 'failed';
      this.stop(code, `${until.name} ${how}: stopping the rest`);
      return;
    }
    const failed = this.tasks.find((t) => t.status === 'failed') ?? this.tasks.find((t) => t.status === 'skipped');
    if (failed !== undefined) {
      const how = failed.status === 'failed' ? 'failed' : `was ${failed.failure ?? 'not started'}`;
      this.stop(1, `${failed.name} ${how}: stopping the rest`);
    } else if (this.tasks.every((t) => t.status === 'completed')) this.stop(0, 'every task completed');
  }

  /** Stops the tasks in waves, each waited for until its process trees are gone; then the summary. */
  private async shutdown(code: number, why: string): Promise<number> {
    this.code = code;
    this.reporter.info(why);
    this.stopTicker = stillStopping(this.tasks, this.reporter);
    await stopInWaves(this.file, this.tasks, (task) => this.stopTask(task));
    this.stopTicker();
    this.summarise(code);
    return code;
  }

  /**
   * Stops a task through the library's `stop` option (stopGracefully), so its output while it shuts down
   * is shown. A task with nothing running (its run has exited, a restart is due) is unsubscribed instead, so
   * nothing new is spawned; so is a stopped task whose run then asks for a restart.
   */
  private stopTask(task: TaskState): void {
    const wasStopped = task.status === 'stopped';
    task.status = 'stopped';
    cancelWatches(task);
    if (!wasStopped) task.endedAt = task.stopStartedAt = performance.now();
    if (wasStopped || task.exitSeen === true) {
      task.subscription?.unsubscribe();
      if (!wasStopped) showEvent(task, this.reporter, 'stop', { pid: task.pid }, 'stopping');
      return;
    }
    stopGracefully(task, this.context);
  }

  private state(name: string): TaskState {
    return this.tasks.find((t) => t.name === name)!;
  }
}
