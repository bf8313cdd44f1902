import { ReplaySubject, type Subscription } from 'rxjs';
import { SpawnError } from 'rxproc';
import type { CancelTimeout } from './ioTimeout.js';
import type { LogFile } from './logFile.js';
import type { Reporter, TaskResult } from './reporter.js';
import { RunTracker } from './runTracker.js';
import type { TaskConfig } from './schema.js';
import type { TaskWatcher } from './taskWatcher.js';

/** Where a task is in its life. */
export type Status = 'waiting' | 'running' | 'ready' | 'completed' | 'failed' | 'stopped' | 'skipped';

/** A task of a run, and what happened to it. */
export interface TaskState {
  readonly name: string;
  readonly config: TaskConfig;
  status: Status;
  isReady: boolean;
  pid?: number;
  restarts: number;
  startedAt?: number;
  endedAt?: number;
  exitCode: number | null;
  signal: string | null;
  failure?: string;
  /** The current run's exit was seen (the result stands even if rxproc stops the task afterwards). */
  exitSeen?: boolean;
  subscription?: Subscription;
  /** Its process trees, every run's: when they are all gone. */
  readonly runs: RunTracker;
  /** Cancels the `ready: { delay }` timer. */
  readyTimer?: CancelTimeout;
  /** The `ready` regex, compiled. */
  readyPattern?: RegExp;
  /** Cancels the readiness watch: a probe, or a pattern's `deadline` (see readiness.ts). */
  readyWatch?: () => void;
  /** The last line of output (what a pattern's `deadline` message quotes). */
  lastLine?: string;
  /** Stops the `liveness` checks for good. */
  stopLiveness?: () => void;
  /** Why `liveness` killed the current run (cleared at each start). */
  livenessFailure?: string;
  /** Given to the library as the `stop` option: its value starts the task's `killSignal` (then SIGKILL); a new one for each start. */
  stopSignal: ReplaySubject<void>;
  /** Not started until `rxproc start` asks: declared `autostart: false`, or stopped by `rxproc stop TASK`. */
  held?: 'autostart' | 'asked';
  /** A restart (`rxproc restart`, a watched change) is stopping it; it starts again after. */
  restarting?: boolean;
  /** Counts the task's starts: events of an earlier start that come late are not taken for the current one's. */
  generation?: number;
  /** When its current process started (`performance.now()`), for `ps`'s uptime; unset while none runs. */
  spawnedAt?: number;
  /** It has `watch` and failed: the run goes on, and the next change starts it again. */
  awaitingChange?: boolean;
  /** The CPU time of its runs that ended in a cgroup, exactly (their exit events' `usage`). */
  cgroupCpuMs?: number;
  /** Its `watch`, from its first start to the end of the run. */
  watcher?: TaskWatcher;
  /** When rxproc began to stop the task (`performance.now()`), for "still stopping". */
  stopStartedAt?: number;
  /** The stop command's run, while it runs. */
  stopCommand?: Subscription;
  /** Cancels the stop command's deadline. */
  stopTimer?: CancelTimeout;
  /** Its log file (`log`, `logDir`), once opened. */
  log?: LogFile;
}

/** A task as it is before its first start. */
export function newTaskState(name: string, config: TaskConfig): TaskState {
  return {
    name,
    config,
    status: 'waiting',
    isReady: false,
    restarts: 0,
    exitCode: null,
    signal: null,
    runs: new RunTracker(),
    stopSignal: new ReplaySubject<void>(1),
  };
}

/** Why a task failed, in one line: its error's first line (a spawn failure as "failed to start: …"). */
export function failureOf(error: unknown): string {
  if (error instanceof SpawnError) return `failed to start: ${error.message.replace(/^Failed to start /, '')}`;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** A line of the task's output (or its stop command's): on the console, and in its log file. */
export function showLine(task: TaskState, reporter: Reporter, stream: 'stdout' | 'stderr', text: string, pid = task.pid): void {
  reporter.line(task.name, stream, text, pid);
  task.log?.write(stream, text);
}

/** Something that happened to the task: on the console (under rxproc), and in its log file (as `rxproc`). */
export function showEvent(task: TaskState, reporter: Reporter, event: string, details: Record<string, unknown>, text: string): void {
  reporter.event(task.name, event, details, text);
  task.log?.write('rxproc', text);
}

/** Stops what watches the task: the `ready` delay, its probe or pattern deadline, and `liveness`. */
export function cancelWatches(task: TaskState): void {
  task.readyTimer?.();
  task.readyWatch?.();
  task.stopLiveness?.();
}

/** Marks the task ready, once (reported when it had a `ready` condition); `false` when it already was. */
export function markReady(task: TaskState, reporter: Reporter): boolean {
  if (task.isReady) return false;
  task.isReady = true;
  task.readyTimer?.();
  task.readyWatch?.();
  if (task.config.ready !== undefined) reporter.event(task.name, 'ready', { pid: task.pid }, 'is ready');
  return true;
}

/** How a task ended, in words and figures, for the summary. */
/** (`usage`: what its trees cost, where measured.) */
export function resultOf(task: TaskState, usage?: { readonly cpuMs: number; readonly peakMemoryBytes: number }): TaskResult {
  const result =
    task.status === 'waiting' || task.status === 'skipped'
      ? (task.failure ?? (task.held === 'autostart' ? 'not started (autostart: false)' : 'not started'))
      : task.status === 'stopped' && task.held === 'asked'
        ? 'stopped (rxproc stop)'
        : task.status === 'stopped' && task.exitSeen !== true
          ? 'stopped by rxproc'
          : task.status === 'failed' && task.failure?.startsWith('not ready') === true && task.exitSeen !== true
            ? 'not ready in time'
            : task.failure?.startsWith('failed to start')
              ? task.failure.replace(/: .*\[(\w+)\]$/, ' ($1)')
              : task.signal !== null
                ? `killed by ${task.signal}`
                : `exit ${task.exitCode}`;
  const durationMs = task.startedAt === undefined ? null : (task.endedAt ?? performance.now()) - task.startedAt;
  return {
    task: task.name,
    result,
    exitCode: task.exitCode,
    signal: task.signal,
    restarts: task.restarts,
    durationMs,
    // A cgroup's count is exact (dead descendants included); the sampled one misses what lived under a second.
    cpuMs: usage === undefined && task.cgroupCpuMs === undefined ? null : Math.max(usage?.cpuMs ?? 0, task.cgroupCpuMs ?? 0),
    // 0: never seen alive by a sample (it lived less than the sampling interval): not measured.
    peakMemoryBytes: usage === undefined || usage.peakMemoryBytes === 0 ? null : usage.peakMemoryBytes,
  };
}
