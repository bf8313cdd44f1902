import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { controlSocketPath } from '../control/controlPath.js';
import { findTaskFile, TaskFileError } from '../loadTaskFile.js';

/** Where a command finds its run: the control socket, and the folder named in messages. */
export interface RunLocation {
  readonly socket: string;
  readonly folder: string;
}

/**
 * The run a command talks to. With `--file`, the run of that task file's folder. Otherwise the run of the
 * working folder or, as git finds its repository, of the nearest folder above it that has one (so `rxproc ps`
 * works from `src/`); with none anywhere, the working folder's (whose absence is then reported).
 */
export function findRun(file: string | undefined, cwd = process.cwd()): RunLocation {
  if (file !== undefined) {
    const given = resolve(cwd, file);
    // A folder names its task file as `rxproc run` would find it there.
    const path = existsSync(given) && statSync(given).isDirectory() ? findTaskFile(undefined, given) : findTaskFile(file, cwd);
    if (!existsSync(path)) throw new TaskFileError(`no task file ${path}`);
    const folder = dirname(path);
    return { socket: controlSocketPath(folder), folder };
  }
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    const socket = controlSocketPath(folder);
    if (existsSync(socket)) return { socket, folder };
    if (dirname(folder) === folder) break;
  }
  return { socket: controlSocketPath(cwd), folder: resolve(cwd) };
}
