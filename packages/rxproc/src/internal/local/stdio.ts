import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { Readable } from 'node:stream';
import type { FileRedirect, OutputOption, StdinOption } from '../../options.js';
import { openRedirect } from './openRedirect.js';

/** The `stdio` array for `child_process.spawn`, and the host's copies of redirect files to close after it. */
export interface StdioPlan {
  readonly stdio: StdioOptions;
  /** Closes the host's copies of opened files (the child has its own). Idempotent. */
  close(): void;
}

/** A redirect file that could not be opened: the process is not started. */
export class RedirectError extends Error {
  constructor(
    readonly stream: 'stdout' | 'stderr',
    readonly path: string,
    error: NodeJS.ErrnoException,
  ) {
    super(`cannot open ${path} for ${stream}: ${error.message}`, { cause: error });
    this.code = error.code;
  }

  /** The errno code of the failed open, e.g. `EACCES`. */
  readonly code: string | undefined;
}

/** Opens what the options redirect to; throws {@link RedirectError} when a file cannot be opened. */
export function planStdio(stdin: StdinOption | Readable | undefined, stdout: OutputOption, stderr: OutputOption, cwd: string | undefined): StdioPlan {
  const fds: number[] = [];
  const close = (): void => {
    for (const fd of fds.splice(0)) closeSync(fd);
  };
  const open = (stream: 'stdout' | 'stderr', target: FileRedirect): number => {
    const path = resolve(cwd ?? '.', target.file);
    try {
      const fd = openRedirect(path, target);
      fds.push(fd);
      return fd;
    } catch (err) {
      close();
      throw new RedirectError(stream, path, err as NodeJS.ErrnoException);
    }
  };
  const shared = sharedFile(stdout, stderr, cwd);
  const out = typeof stdout === 'string' ? stdout : open('stdout', shared ?? stdout);
  // stdout and stderr to the same file share one open file (as `>file 2>&1`), not two that overwrite.
  const err = typeof stderr === 'string' ? stderr : shared !== undefined ? (out as number) : open('stderr', stderr);
  // No stdin option means /dev/null: an immediate EOF, never the host's terminal.
  const input = stdin instanceof Readable ? stdin : stdin === 'inherit' ? 'inherit' : stdin === undefined || stdin === 'ignore' ? 'ignore' : 'pipe';
  return { stdio: [input, out, err], close };
}

/**
 * stdout and stderr redirected to one file (paths resolved against `cwd`): that file, opened as stdout
 * asks (append or truncate) and refusing a symbolic link if either redirect does; `undefined` otherwise.
 * The one rule for a shared file, local and remote.
 */
export function sharedFile(stdout: OutputOption, stderr: OutputOption, cwd: string | undefined): FileRedirect | undefined {
  if (typeof stdout !== 'object' || typeof stderr !== 'object') return undefined;
  const path = resolve(cwd ?? '.', stdout.file);
  if (resolve(cwd ?? '.', stderr.file) !== path) return undefined;
  return { file: path, append: stdout.append === true, noFollow: stdout.noFollow === true || stderr.noFollow === true };
}
