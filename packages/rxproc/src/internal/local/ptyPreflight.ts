import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { diagnoseSpawnFailure, findNulByte } from './diagnoseSpawnFailure.js';
import type { StageSpec } from '../options/stageSpec.js';

/**
 * What would stop a `tty` process from starting, found before the terminal is made: the PTY package
 * forks first and reports a failed `exec` only as exit code 1 and a line on the terminal, where a process
 * without a terminal gets a `SpawnError` (ENOENT, EACCES). The same error here, from the same checks
 * Node's `spawn` does: a NUL byte, the working directory, the program in the PATH of its environment.
 */
export function ptyPreflight({ command, args, options }: StageSpec, env: NodeJS.ProcessEnv, startedAt: number): Error | undefined {
  const failure = (code: string, message = code): Error =>
    diagnoseSpawnFailure(Object.assign(new Error(message), { code }), { command, args, cwd: options.cwd, startedAt });
  const nul = findNulByte(command, args, options.env ?? {}, options.cwd);
  if (nul !== undefined) return failure('ERR_INVALID_ARG_VALUE', nul);
  const cwd = options.cwd ?? process.cwd();
  if (!isDirectory(cwd)) return failure('ENOENT');
  const candidates = command.includes('/') ? [resolve(cwd, command)] : (env.PATH ?? '').split(delimiter).map((dir) => resolve(cwd, dir || '.', command));
  let code = 'ENOENT';
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      if (!isDirectory(path)) return undefined;
      code = 'EACCES';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') code = 'EACCES';
    }
  }
  return failure(code);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
