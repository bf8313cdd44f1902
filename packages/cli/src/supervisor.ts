import { FlowGate, killAllNow, ProcessExitError } from 'rxproc';
import type { Reporter } from './reporter.js';
import type { ActionHost } from './taskActions.js';
import type { UsageMeter } from './usageMeter.js';
import { restartOnChange } from './restartOnChange.js';
import { runEnd } from './runEnd.js';
import { runTask, type RunTaskContext } from './runTask.js';
import type { TaskFile } from './schema.js';
import { stillStopping } from './stillStopping.js';
import { stopInWaves } from './stopInWaves.js';
import { readyToStart } from './readyToStart.js';
import { closure } from './taskGraph.js';
import { stopGracefully } from './taskStop.js';
import { cancelWatches, failureOf, markReady, newTaskState, resultOf, showEvent, type TaskState } from './taskState.js';

/**
 * Runs a task file: starts each task once its dependencies are ready (or completed), and ends when the
 * `until` task ends, when every task has completed, or at the first failure (fail-fast). A task's own run
 * is `runTask`'s; stopping, in waves, is `stopInWaves`'s.
 */
export class Supervisor implements ActionHost {
  readonly tasks: TaskState[];
  private finishing: Promise<number> | undefined;
  private code: number | undefined;
  /** Held closed while rxproc's own stdout is full. */
  readonly gate = new FlowGate();
  private resolveRun!: (code: number) => void;
  private summarised = false;
  /** Stops the "still stopping" lines of a stop under way. */
  private stopTicker: (() => void) | undefined;
  private readonly context: RunTaskContext;
  /** Told the run's code as it ends (the control socket's last answers), before `run` resolves. */
  private readonly endListeners = new Set<(code: number) => void>();

  constructor(
    readonly file: TaskFile,
    baseDir: string,
    private readonly reporter: Reporter,
    /** Added to every process's environment (FORCE_COLOR, see colourEnv). */
    extraEnv: Readonly<Record<string, string>> = {},
    /** What each task's trees cost (CPU, memory), for `ps` and the summary. */
    private readonly meter?: UsageMeter,
  ) {
    this.tasks = Object.entries(file.tasks).map(([name, config]) => newTaskState(name, config));
    // `autostart: false`: not started until asked, unless a task that does start depends on it.
    const needed = closure(
      file,
      Object.keys(file.tasks).filter((name) => file.tasks[name]!.autostart !== false),
      'dependencies',
    );
    for (const task of this.tasks) if (!needed.has(task.name)) task.held = 'autostart';
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
      spawned: (task, pid) => meter?.track(task.name, pid),
    };
  }

  /** Runs everything; resolves to rxproc's exit code. */
  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.resolveRun = resolve));
    this.startWhatCan();
    return done;
  }

  isStopping(): boolean {
    return this.finishing !== undefined;
  }

  /** Calls `listener` with the run's code as it ends, before `run` resolves; returns its remover. */
  whenEnded(listener: (code: number) => void): () => boolean {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
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
    this.summarise((this.code ??= code));
  }

  /** The summary, the log files closed, and the run's end: once, whether the stop waves or a second Ctrl-C get there first. */
  private summarise(code: number): void {
    if (this.summarised) return;
    this.summarised = true;
    this.meter?.sample();
    const results = this.tasks.map((task) => resultOf(task, this.meter?.usageOf(task.name)));
    this.reporter.summary(results, code);
    for (const task of this.tasks) {
      task.log?.close();
      void task.watcher?.close();
    }
    for (const listener of this.endListeners) listener(code);
    this.resolveRun(code);
  }

  /** Starts every waiting task whose dependencies are met (a held one waits for `rxproc start`). */
  startWhatCan(): void {
    if (this.finishing !== undefined) return;
    for (const task of this.tasks) {
      if (task.status !== 'waiting' || task.held !== undefined) continue;
      const verdict = readyToStart(task, this.state);
      if (typeof verdict === 'object') {
        task.status = 'skipped';
        task.failure = verdict.skip;
      }
      if (verdict !== 'start') continue;
      // The watch first, so that a first start that fails at once waits for a change too.
      task.watcher ??= restartOnChange(task, this, this.context.baseDir, this.reporter);
      runTask(task, this.context);
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
      task.failure = failureOf(error);
      // With `watch`, a failure waits for the next change instead of ending the run (unless it is `until`).
      task.awaitingChange = status === 'failed' && task.watcher !== undefined && this.file.until !== task.name;
      const waits = task.awaitingChange ? ': waiting for a change of its files' : '';
      this.reporter.event(task.name, 'failed', { error: task.failure }, `failed: ${task.failure}${waits}`);
    }
    this.startWhatCan();
  }

  private checkEnd(): void {
    const end = this.finishing === undefined ? runEnd(this.file, this.tasks) : undefined;
    if (end !== undefined) this.stop(end.code, end.why);
  }

  /** Stops the tasks in waves, each waited for until its process trees are gone; then the summary. */
  private async shutdown(code: number, why: string): Promise<number> {
    this.code = code;
    this.reporter.info(why);
    this.stopTicker = stillStopping(this.tasks, this.reporter);
    // What the tasks cost, seen while they still run (the summary's sample comes after they are gone).
    this.meter?.sample();
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
  stopTask(task: TaskState): void {
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

  private readonly state = (name: string): TaskState => this.tasks.find((t) => t.name === name)!;
}
