import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpawnError } from '../../errors/SpawnError.js';
import { RedirectError } from './stdio.js';

/** What a spawn failure is about, for the error it becomes. */
export interface FailedSpawn {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  readonly startedAt: number;
}

/** Turns whatever `child_process.spawn` threw or emitted (or a redirect that failed) into a {@link SpawnError}. */
export function diagnoseSpawnFailure(error: unknown, spawn: FailedSpawn): SpawnError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
  return new SpawnError({
    command: spawn.command,
    args: spawn.args,
    cwd: spawn.cwd,
    pid: undefined,
    durationMs: performance.now() - spawn.startedAt,
    code,
    cause: error,
    reason: error instanceof RedirectError ? error.message : explain(code, spawn),
  });
}

/** Finds out which of the usual causes behind `code` it is, where the code alone is ambiguous. */
function explain(code: string, { command, cwd }: FailedSpawn): string | undefined {
  const cwdKind = cwd === undefined ? 'directory' : kindOf(cwd);
  if ((code === 'ENOENT' || code === 'ENOTDIR') && cwdKind !== 'directory') {
    return cwdKind === 'missing' ? 'the working directory does not exist' : 'the working directory is not a directory';
  }
  const hasSlash = command.includes('/');
  if (code === 'ENOENT') {
    if (!hasSlash) {
      return `command not found: "${command}" is not in the PATH (or a program it needs, such as its #! interpreter, is missing)`;
    }
    const path = resolve(cwd ?? '.', command);
    return kindOf(path) === 'missing' ? `no such file: ${path}` : `${path} exists, but its #! interpreter (or a library it needs) is missing`;
  }
  if (code === 'EACCES' && hasSlash) {
    const path = resolve(cwd ?? '.', command);
    return kindOf(path) === 'directory' ? `${path} is a directory` : `${path} is not executable (chmod +x?)`;
  }
  return undefined;
}

function kindOf(path: string): 'directory' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

/**
 * Names the first NUL byte in what is handed to the system, which cannot carry one. `env` is the caller's
 * own variables only: reading all of `process.env` costs a system call per variable on every spawn.
 */
export function findNulByte(command: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd?: string): string | undefined {
  if (command.includes('\0')) return 'the command contains a NUL byte';
  const index = args.findIndex((arg) => arg.includes('\0'));
  if (index >= 0) return `argument ${index + 1} contains a NUL byte`;
  if (cwd?.includes('\0')) return 'the cwd contains a NUL byte';
  for (const [key, value] of Object.entries(env)) {
    if (key.includes('\0') || value?.includes('\0')) return `the environment variable ${JSON.stringify(key)} contains a NUL byte`;
  }
  return undefined;
}
