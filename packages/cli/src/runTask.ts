import { catchError, connect, EMPTY, filter, map, merge, Subject, type Observable } from 'rxjs';
import { lines, withFlowGate, type FlowGate, type ProcessEvent, type RestartEvent } from 'rxproc';
import { ioTimeout } from './ioTimeout.js';
import { Liveness } from './liveness.js';
import { LogFile, logOptionsOf } from './logFile.js';
import { watchReadiness } from './readiness.js';
import type { Reporter } from './reporter.js';
import { sideProcessOptions, taskProcess$ } from './taskProcess.js';
import { markReady, showEvent, showLine, type TaskState } from './taskState.js';

/** A line longer than this is printed in pieces of this size (memory stays bounded, nothing is lost). */
const MAX_LINE = 1024 * 1024;

/** What a task's run needs from the supervisor, and tells it. */
export interface RunTaskContext {
  readonly baseDir: string;
  /** The top-level `logDir`. */
  readonly logDir: string | undefined;
  readonly reporter: Reporter;
  /** Added to every process's environment (FORCE_COLOR). */
  readonly extraEnv: Readonly<Record<string, string>>;
  /** Held closed while rxproc's own stdout is full. */
  readonly gate: FlowGate;
  /** Whether the run is stopping: a task about to restart is stopped instead. */
  readonly isStopping: () => boolean;
  readonly stop: (task: TaskState) => void;
  /** The task became ready. */
  readonly ready: (task: TaskState) => void;
  /** The task's process Observable ended (`error`: why it failed). */
  readonly ended: (task: TaskState, status: 'completed' | 'failed', error?: unknown) => void;
  /** A process of the task started on this machine (any stage): its tree is measured from now on. */
  readonly spawned?: (task: TaskState, pid: number) => void;
}

type Line = { readonly type: 'line'; readonly stream: 'stdout' | 'stderr'; readonly line: string };

/**
 * The task's events with its output as lines, each stream split by `lines`. The lines branches are
 * subscribed first, so a run's unfinished last line comes before its `exit`, and before an error, which
 * the events branch alone passes on (after both streams' last lines).
 */
export function withLines(process$: Observable<ProcessEvent | RestartEvent>): Observable<ProcessEvent | RestartEvent | Line> {
  return process$.pipe(
    connect((shared) =>
      merge(
        ...(['stdout', 'stderr'] as const).map((stream) =>
          shared.pipe(
            lines({ stream, maxLineLength: MAX_LINE, overlong: 'split' }),
            map((line): Line => ({ type: 'line', stream, line })),
            catchError(() => EMPTY),
          ),
        ),
        shared.pipe(filter((event) => event.type !== 'stdout' && event.type !== 'stderr')),
      ),
    ),
  );
}

/** Starts a task: runs its process Observable, reports its lines and events, and watches for readiness. */
export function runTask(task: TaskState, context: RunTaskContext): void {
  const { reporter } = context;
  task.status = 'running';
  const ready = task.config.ready;
  // Compiled once: every output line is tested until the task is ready.
  if (typeof ready === 'string') task.readyPattern = new RegExp(ready);
  else if (ready !== undefined && 'pattern' in ready) task.readyPattern = new RegExp(ready.pattern);
  task.startedAt = performance.now();
  // liveness kills an unhealthy run through the library's `signals` option (see liveness.ts).
  const kill = task.config.liveness === undefined ? undefined : new Subject<NodeJS.Signals>();
  let liveness: Liveness | undefined;
  const becomeReady = (): void => {
    if (!markReady(task, reporter)) return;
    if (task.exitSeen !== true) liveness?.resume();
    context.ready(task);
  };
  const lastStage = task.config.pipe?.length ?? 0;
  // Which stages run here (a remote stage's tree is not this machine's to measure).
  const local = [task.config.host, ...(task.config.pipe ?? []).map((stage) => stage.host)].map((host) => host === undefined);
  // Late events of an earlier start (a restart dropped it) are not this one's.
  const generation = (task.generation = (task.generation ?? 0) + 1);
  const current = (): boolean => task.generation === generation;
  let process$: Observable<ProcessEvent | RestartEvent>;
  try {
    const log = logOptionsOf(task.name, task.config, context.logDir, context.baseDir);
    if (log !== undefined && task.log === undefined) {
      task.log = new LogFile(log, (error) => reporter.info(`${task.name}: cannot write its log file (${error.message}): logging stopped`));
    }
    process$ = taskProcess$(task.config, context.baseDir, task.runs, task.stopSignal, context.extraEnv, kill);
  } catch (error) {
    return context.ended(task, 'failed', error);
  }
  // Probes run where the task's own process runs, with its cwd, env and kill settings.
  const processOptions = sideProcessOptions(task.config, context.baseDir);
  if (kill !== undefined) {
    liveness = new Liveness(task, task.config.liveness!, processOptions, (why) => {
      task.livenessFailure = why;
      // Not asked to stop: a hung process would not answer, and a clean exit would not count as a failure.
      showEvent(task, reporter, 'unhealthy', { error: why }, `is unhealthy: ${why}: killing it (SIGKILL)`);
      kill.next('SIGKILL');
    });
    task.stopLiveness = () => liveness!.pause();
  }
  const failNow = (why: string): void => {
    task.subscription?.unsubscribe();
    liveness?.pause();
    context.ended(task, 'failed', new Error(why));
  };
  // Subscribed inside the run's flow gate: while rxproc's own output is full, the tasks are held back.
  task.subscription = withFlowGate(context.gate, () =>
    withLines(process$).subscribe({
      next: (event) => {
        if (!current()) return;
        // Lines first: they are nearly every event.
        if (event.type === 'line') {
          showLine(task, reporter, event.stream, event.line);
          task.lastLine = event.line;
          if (!task.isReady && task.readyPattern?.test(event.line) === true) becomeReady();
          return;
        }
        if (event.type === 'spawn' && local[event.stage ?? 0] === true) context.spawned?.(task, event.pid);
        // A run in a cgroup tells what its whole tree cost, exactly (every stage's).
        if (event.type === 'exit' && event.usage !== undefined) task.cgroupCpuMs = (task.cgroupCpuMs ?? 0) + event.usage.userCpuMs + event.usage.systemCpuMs;
        // A pipeline's upstream stages: the task's pid and exit are its last stage's, as before.
        if ((event.type === 'spawn' || event.type === 'exit') && event.stage !== undefined && event.stage !== lastStage) return;
        if (event.type === 'spawn') {
          task.exitSeen = false;
          task.pid = event.pid;
          task.spawnedAt = performance.now();
          showEvent(task, reporter, 'spawn', { pid: event.pid }, `started (pid ${event.pid})`);
          task.livenessFailure = undefined;
          if (task.isReady) liveness?.resume();
          // From the first start on, across restarts, until ready: a probe or a pattern's deadline.
          if (!task.isReady && task.readyWatch === undefined) task.readyWatch = watchReadiness(task, processOptions, { ready: becomeReady, notReady: failNow });
          if (task.isReady || ready === undefined) return becomeReady();
          task.readyTimer?.();
          // Confirmed after a poll: a task whose exit had already happened when the delay ran out is not ready.
          if (typeof ready === 'object' && 'delay' in ready) task.readyTimer = ioTimeout(ready.delay, becomeReady);
        } else if (event.type === 'exit') {
          task.readyTimer?.();
          liveness?.pause();
          task.exitCode = event.exitCode;
          task.signal = event.signal;
          // An exit after rxproc's stop is shown, but the task's result stays "stopped by rxproc".
          if (task.status !== 'stopped') task.exitSeen = true;
          task.spawnedAt = undefined;
          const how = event.signal === null ? `exit code ${event.exitCode}` : `killed by ${event.signal}`;
          showEvent(task, reporter, 'exit', { pid: event.pid, exitCode: event.exitCode, signal: event.signal }, `exited (${how})`);
        } else if (event.type === 'restart') {
          // Stopping: a task waiting to restart is not restarted.
          if (context.isStopping() || task.status === 'stopped') return context.stop(task);
          task.restarts++;
          showEvent(task, reporter, 'restart', { attempt: event.attempt, delayMs: event.delayMs }, `restart #${event.attempt} in ${event.delayMs} ms`);
        }
      },
      error: (error: unknown) => {
        if (!current()) return;
        liveness?.pause();
        // A run that liveness killed fails for that reason, not as "killed by SIGKILL".
        context.ended(task, 'failed', task.livenessFailure === undefined ? error : new Error(task.livenessFailure));
      },
      complete: () => {
        if (!current()) return;
        liveness?.pause();
        context.ended(task, 'completed');
      },
    }),
  );
}
