import { SpawnError } from '../errors/SpawnError.js';
import type { ProcessEvent, RestartEvent } from '../events.js';
import { ProcessExitError } from '../errors/ProcessExitError.js';
import { FlowGate, withFlowGate } from '../internal/io/flowGate.js';
import { afterIo, ioTimeout } from '../internal/io/ioTimeout.js';
import { liveProcessCount } from '../internal/terminate/registry.js';
import { LineSplitter } from '../internal/io/lineSplitter.js';
import { killAllNow } from '../internal/terminate/registry.js';
import type { Reporter } from './reporter.js';
import type { TaskFile } from './schema.js';
import { dependenciesOf, stopWaves } from './taskGraph.js';
import { taskProcess$ } from './taskProcess.js';
import { resultOf, type TaskState } from './taskState.js';

const MAX_LINE = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a task file: starts each task once its dependencies are ready (or completed), reports every line and
 * event, and ends when the `until` task ends, when every task has completed, or at the first failure
 * (fail-fast). Stopping goes in waves, dependents before what they depend on, each wave waited for.
 */
export class Supervisor {
  private readonly tasks: TaskState[];
  private finishing: Promise<number> | undefined;
  private code: number | undefined;
  /** Held closed while rxproc's own stdout is full. */
  readonly gate = new FlowGate();
  private resolveRun!: (code: number) => void;

  constructor(
    private readonly file: TaskFile,
    private readonly baseDir: string,
    private readonly reporter: Reporter,
  ) {
    this.tasks = Object.entries(file.tasks).map(([name, config]) => ({ name, config, status: 'waiting', isReady: false, restarts: 0, exitCode: null, signal: null }));
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
    void this.shutdown(code, why);
    return true;
  }

  /** A second Ctrl-C: SIGKILL every process tree at once, then the summary; the run's code stays. */
  killNow(code: number): void {
    this.reporter.info('killing every task now (SIGKILL)');
    for (const task of this.tasks) {
      if (task.status === 'running' || task.status === 'ready') task.status = 'stopped';
      task.subscription?.unsubscribe();
    }
    killAllNow();
    this.code ??= code;
    this.reporter.summary(this.tasks.map(resultOf), this.code);
    this.resolveRun(this.code);
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
      if (ready && task.status === 'waiting') this.start(task);
    }
    this.checkEnd();
  }

  private start(task: TaskState): void {
    task.status = 'running';
    const ready = task.config.ready;
    // Compiled once: every output line is tested until the task is ready.
    if (typeof ready === 'string') task.readyPattern = new RegExp(ready);
    else if (ready !== undefined && 'pattern' in ready) task.readyPattern = new RegExp(ready.pattern);
    task.startedAt = performance.now();
    // A line longer than MAX_LINE is printed in MAX_LINE pieces (memory stays bounded, nothing is lost).
    const splitters = {
      stdout: new LineSplitter(MAX_LINE, (line) => this.onLine(task, 'stdout', line), () => true),
      stderr: new LineSplitter(MAX_LINE, (line) => this.onLine(task, 'stderr', line), () => true),
    };
    const flush = (): void => {
      splitters.stdout.end();
      splitters.stderr.end();
    };
    let process$: ReturnType<typeof taskProcess$>;
    try {
      process$ = taskProcess$(task.config, this.baseDir);
    } catch (error) {
      return this.ended(task, 'failed', error);
    }
    // Subscribed inside the run's flow gate: while rxproc's own output is full, the tasks are held back.
    task.subscription = withFlowGate(this.gate, () => process$.subscribe({
      next: (event: ProcessEvent | RestartEvent) => {
        if (event.type === 'stdout' || event.type === 'stderr') splitters[event.type].push(event.data);
        else if (event.type === 'spawn') {
          task.exitSeen = false;
          this.onSpawn(task, event.pid);
        }
        else if (event.type === 'exit') {
          flush();
          task.readyTimer?.();
          task.exitCode = event.exitCode;
          task.signal = event.signal;
          task.exitSeen = true;
          const how = event.signal === null ? `exit code ${event.exitCode}` : `killed by ${event.signal}`;
          this.reporter.event(task.name, 'exit', { pid: event.pid, exitCode: event.exitCode, signal: event.signal }, `exited (${how})`);
        } else if (event.type === 'restart') {
          // Stopping: a task waiting to restart is not restarted.
          if (this.finishing !== undefined) return this.stopTask(task);
          task.restarts++;
          this.reporter.event(task.name, 'restart', { attempt: event.attempt, delayMs: event.delayMs }, `restart #${event.attempt} in ${event.delayMs} ms`);
        }
      },
      error: (error: unknown) => {
        flush();
        this.ended(task, 'failed', error);
      },
      complete: () => {
        flush();
        this.ended(task, 'completed');
      },
    }));
  }

  private onSpawn(task: TaskState, pid: number): void {
    task.pid = pid;
    this.reporter.event(task.name, 'spawn', { pid }, `started (pid ${pid})`);
    const ready = task.config.ready;
    if (task.isReady || ready === undefined) return this.markReady(task);
    task.readyTimer?.();
    // Confirmed after a poll: a task whose exit had already happened when the delay ran out is not ready.
    if (typeof ready === 'object' && 'delay' in ready) task.readyTimer = ioTimeout(ready.delay, () => this.markReady(task));
  }

  private onLine(task: TaskState, stream: 'stdout' | 'stderr', line: string): void {
    this.reporter.line(task.name, stream, line, task.pid);
    if (!task.isReady && task.readyPattern?.test(line) === true) this.markReady(task);
  }

  private markReady(task: TaskState): void {
    if (task.isReady) return;
    task.isReady = true;
    task.readyTimer?.();
    if (task.config.ready !== undefined) this.reporter.event(task.name, 'ready', { pid: task.pid }, 'is ready');
    this.startWhatCan();
  }

  private ended(task: TaskState, status: 'completed' | 'failed', error?: unknown): void {
    task.readyTimer?.();
    task.endedAt = performance.now();
    task.status = status;
    if (status === 'completed') this.markReady(task);
    if (error instanceof ProcessExitError) {
      // (in a pipeline, the failing stage may not be the last one, whose exit event was reported)
      task.exitCode = error.exitCode;
      task.signal = error.signal;
    }
    if (error !== undefined) {
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
    }
    else if (this.tasks.every((t) => t.status === 'completed')) this.stop(0, 'every task completed');
  }

  private shutdown(code: number, why: string): Promise<number> {
    this.finishing ??= (async () => {
      this.code = code;
      this.reporter.info(why);
      const live = (t: TaskState): boolean => t.status === 'running' || t.status === 'ready';
      for (const wave of stopWaves(this.file)) {
        const stopping = wave.map((name) => this.state(name)).filter(live);
        for (const task of stopping) this.stopTask(task);
        // Every process tree of a task counts (a pipeline has one per stage): wait until only the trees
        // of the tasks still running are left.
        const remaining = (): number => this.tasks.filter(live).reduce((n, t) => n + 1 + (t.config.pipe?.length ?? 0), 0);
        const deadline = Date.now() + Math.max(...stopping.map((t) => t.config.killTimeout ?? 5000), 0) + 1000;
        while (liveProcessCount() > remaining()) {
          // Past the deadline, exits already waiting in the poll are seen before the wave is given up on.
          if (Date.now() >= deadline) {
            await afterIo();
            break;
          }
          await sleep(20);
        }
      }
      this.reporter.summary(this.tasks.map(resultOf), code);
      this.resolveRun(code);
      return code;
    })();
    return this.finishing;
  }

  private stopTask(task: TaskState): void {
    task.status = 'stopped';
    task.endedAt = performance.now();
    task.subscription?.unsubscribe();
    task.readyTimer?.();
    this.reporter.event(task.name, 'stop', { pid: task.pid }, 'stopping');
  }

  private state(name: string): TaskState {
    return this.tasks.find((t) => t.name === name)!;
  }
}
