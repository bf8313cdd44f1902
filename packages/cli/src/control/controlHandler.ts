import type { LogBook } from '../logBook.js';
import type { Reporter } from '../reporter.js';
import type { Supervisor } from '../supervisor.js';
import { restartTasks, startTasks, stopTasks, tasksNamed } from '../taskActions.js';
import type { UsageMeter } from '../usageMeter.js';
import type { ControlHandler } from './controlServer.js';
import { taskSnapshot } from './taskSnapshot.js';

/** Lines `rxproc logs` shows when not told how many (`-n`). */
export const DEFAULT_LOG_LINES = 100;

/** What the control socket serves. */
export interface ControlledRun {
  readonly supervisor: Supervisor;
  readonly reporter: Reporter;
  readonly book: LogBook;
  readonly meter: UsageMeter;
  /** For `info`: the task file (or "inline commands") and the folder. */
  readonly file: string;
  readonly folder: string;
}

const list = (names: readonly string[]): string => names.join(', ');

/**
 * Serves the run's control requests (docs/cli.md, "The control socket"). Each request that changes the run
 * is reported first as a `control` event (in `--json`), then done; its answer comes once it is done: a
 * stop once the trees are gone, a restart once the old trees are gone and the tasks are started again.
 */
export function controlHandler(run: ControlledRun): ControlHandler {
  const { supervisor, reporter, book } = run;
  return async (request, reply) => {
    switch (request.command) {
      case 'info':
        return reply.done({ pid: process.pid, file: run.file, folder: run.folder, tasks: supervisor.tasks.map((task) => task.name) });
      case 'ps':
        run.meter.sample();
        return reply.done({ tasks: supervisor.tasks.map((task) => taskSnapshot(task, run.meter.usageOf(task.name))) });
      case 'restart': {
        const tasks = tasksNamed(supervisor, request.tasks);
        const announce = (): void => reporter.control('restart', request.tasks, `restart asked for ${list(request.tasks)} (rxproc restart)`);
        return reply.done({ restarted: await restartTasks(supervisor, tasks, announce) });
      }
      case 'start': {
        const tasks = tasksNamed(supervisor, request.tasks);
        const announce = (): void => reporter.control('start', request.tasks, `start asked for ${list(request.tasks)} (rxproc start)`);
        return reply.done({ started: startTasks(supervisor, tasks, announce) });
      }
      case 'stop': {
        if (request.tasks === undefined || request.tasks.length === 0) {
          supervisor.whenEnded((exitCode) => reply.done({ exitCode }));
          // Already stopping (Ctrl-C, a failure): the answer comes at its end, and nothing is announced.
          if (supervisor.isStopping()) return;
          reporter.control('stop', [], 'stop asked (rxproc stop)');
          supervisor.stop(0, 'stopping every task');
          return;
        }
        const names = request.tasks;
        const tasks = tasksNamed(supervisor, names);
        const announce = (): void => reporter.control('stop', names, `stop asked for ${list(names)} (rxproc stop)`);
        return reply.done(await stopTasks(supervisor, tasks, announce));
      }
      case 'logs': {
        const names = tasksNamed(supervisor, request.tasks).map((task) => task.name);
        for (const entry of book.recent(names, request.lines ?? DEFAULT_LOG_LINES)) reply.send({ entry });
        if (request.follow !== true) return reply.done();
        const unfollow = book.follow(names, (entry) => reply.send({ entry }));
        // The run's end ends the following (and its last lines have been sent).
        const forget = supervisor.whenEnded(() => {
          unfollow();
          reply.done({ ended: true });
        });
        reply.onClose(() => {
          unfollow();
          forget();
        });
      }
    }
  };
}
