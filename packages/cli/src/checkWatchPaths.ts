import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileProblem } from './envFiles.js';

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The `watch` paths of a parsed (not yet checked) task file that do not exist, relative to the task file's
 * folder: each a problem at the key it is written at (`tasks.web.watch.paths.1`), as a missing `envFile`
 * is. Checked with the file, before anything runs: a typo in a path would otherwise watch nothing, silently.
 * Values of the wrong type are skipped here: the schema reports them.
 */
export function checkWatchPaths(raw: unknown, baseDir: string): FileProblem[] {
  const problems: FileProblem[] = [];
  if (!isMap(raw) || !isMap(raw.tasks)) return problems;
  for (const [name, task] of Object.entries(raw.tasks)) {
    if (!isMap(task) || !Object.hasOwn(task, 'watch')) continue;
    // The shorthand (`watch: src`, `watch: [src, lib]`) is the map's `paths`, written one level up.
    const [value, path] = isMap(task.watch) ? [task.watch.paths, ['tasks', name, 'watch', 'paths']] : [task.watch, ['tasks', name, 'watch']];
    const list: unknown[] = Array.isArray(value) ? value : [value];
    for (const [i, entry] of list.entries()) {
      if (typeof entry !== 'string' || entry === '') continue;
      const why = missing(resolve(baseDir, entry));
      if (why !== undefined) problems.push({ path: Array.isArray(value) ? [...path, String(i)] : path, message: why });
    }
  }
  return problems;
}

/** Why `path` cannot be watched, or undefined when it exists. */
function missing(path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a path through a file (`config.json/x`) names nothing either.
    return code === 'ENOENT' || code === 'ENOTDIR' ? `no such file or folder: ${path}` : `cannot watch ${path}: ${(error as Error).message}`;
  }
}
