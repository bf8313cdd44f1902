import { spawn$ } from 'rxproc';
import type { TaskFile } from './schema.js';
import type { GraphProblem } from './taskGraph.js';
import { stageSpawns } from './taskProcess.js';

/** The options that belong to a stage (a `pipe` entry) itself; the others (`env`, `cwd`, `killTimeout`, …) are its task's. */
const STAGE_KEYS = new Set(['host']);

/**
 * Checks every process's options the way the run will pass them, by calling the library's `spawn$` with
 * them: it is cold (it spawns nothing) and throws a `TypeError` at call time for a wrong option, so the
 * library's own rules (the `host` settings, names a remote shell can export, …) are the file's, with no
 * copy of them here. Returns the first problem of each process, at the key the message names (e.g.
 * `tasks.api.host.port`).
 */
export function checkTaskOptions(file: TaskFile, baseDir: string): GraphProblem[] {
  const problems: GraphProblem[] = [];
  for (const [name, task] of Object.entries(file.tasks)) {
    const spawns = stageSpawns(task, baseDir);
    for (const [i, { command, args, options }] of spawns.entries()) {
      try {
        spawn$(command, args, options);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        const message = error.message.replace(/^spawn\$: /, '');
        const option = /\boption "([^"]+)"/.exec(message)?.[1]?.split('.') ?? [];
        const onStage = i > 0 && STAGE_KEYS.has(option[0] ?? '');
        const path = ['tasks', name, ...(onStage ? ['pipe', String(i - 1)] : []), ...option];
        problems.push({ path, message });
      }
    }
  }
  return problems;
}
