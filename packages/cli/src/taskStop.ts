import { ProcessExitError, SPAWN_DEFAULTS, spawn$, SpawnError, type FlowGate, withFlowGate } from 'rxproc';
import { withColourEnv } from './colourEnv.js';
import { ioTimeout } from './ioTimeout.js';
import type { Reporter } from './reporter.js';
import { withLines } from './runTask.js';
import { commandOf, sideProcessOptions } from './taskProcess.js';
import { showEvent, showLine, type TaskState } from './taskState.js';

/** What stopping a task needs from the run. */
export interface StopContext {
  readonly baseDir: string;
  readonly reporter: Reporter;
  readonly gate: FlowGate;
  /** Added to every process's environment (FORCE_COLOR). */
  readonly extraEnv: Readonly<Record<string, string>>;
}

/** The most a task's stop can take before its trees are SIGKILLed: the stop command's time, then killTimeout. */
export function stopBudget(task: TaskState): number {
  const killTimeout = task.config.killTimeout ?? SPAWN_DEFAULTS.killTimeout;
  return task.config.stop === undefined ? killTimeout : 2 * killTimeout;
}

/**
 * Stops a running task so that what it says while it shuts down is still shown: through the library's
 * `stop` option (killSignal to every stage, SIGKILL after killTimeout; the output and the exit still come),
 * not by unsubscribing. With a `stop` command, that command runs first, in the task's cwd and env, its output
 * under the task's name; killSignal follows once it has failed, or when killTimeout has passed since it
 * started and the task is still there (a command that is still running then is killed, and that is reported).
 */
export function stopGracefully(task: TaskState, context: StopContext): void {
  const { reporter } = context;
  task.stopStartedAt = performance.now();
  const signal = (): void => task.stopSignal.next();
  const stop = task.config.stop;
  if (stop === undefined) {
    showEvent(task, reporter, 'stop', { pid: task.pid }, 'stopping');
    return signal();
  }
  showEvent(task, reporter, 'stop', { pid: task.pid, command: true }, 'stopping: running its stop command');
  const killTimeout = task.config.killTimeout ?? SPAWN_DEFAULTS.killTimeout;
  const [command, args] = commandOf(stop);
  // The task's own cwd and env (and host), as its first process has them.
  const options = sideProcessOptions(task.config, context.baseDir);
  let running = true;
  const failed = (why: string): void => {
    running = false;
    showEvent(task, reporter, 'stop-failed', { error: why }, `stop command failed: ${why}`);
    task.stopTimer?.();
    signal();
  };
  task.stopTimer = ioTimeout(killTimeout, () => {
    if (running) {
      task.stopCommand?.unsubscribe();
      failed(`it did not end within killTimeout (${killTimeout} ms): killed`);
    } else if (!task.runs.isSettled()) {
      const killSignal = task.config.killSignal ?? SPAWN_DEFAULTS.killSignal;
      showEvent(task, reporter, 'stop-signal', { pid: task.pid }, `still running ${killTimeout} ms after its stop command: sending ${killSignal}`);
      signal();
    }
  });
  task.runs.started(1);
  let pid: number | undefined;
  const command$ = spawn$(command, args, { ...withColourEnv(options, context.extraEnv), onSettled: () => task.runs.settled() });
  task.stopCommand = withFlowGate(context.gate, () =>
    withLines(command$).subscribe({
      next: (event) => {
        if (event.type === 'spawn') pid = event.pid;
        if (event.type === 'line') showLine(task, reporter, event.stream, event.line, pid);
      },
      error: (error: unknown) => {
        const why =
          error instanceof SpawnError
            ? `failed to start: ${error.message.replace(/^Failed to start /, '')}`
            : error instanceof ProcessExitError
              ? error.signal === null
                ? `exit code ${error.exitCode}`
                : `killed by ${error.signal}`
              : String(error);
        failed(why);
      },
      complete: () => {
        running = false;
        // The task may end on its own now (the command asked it to); killTimeout bounds the wait.
        void task.runs.allSettled().then(() => task.stopTimer?.());
      },
    }),
  );
}
