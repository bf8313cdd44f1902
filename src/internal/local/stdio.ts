import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { Readable } from 'node:stream';
import type { OutputOption, StdinOption } from '../../options.js';
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
export function planStdio(
  stdin: StdinOption | Readable | undefined,
  stdout: OutputOption,
  stderr: OutputOption,
  cwd: string | undefined,
): StdioPlan {
  const fds = new Map<string, number>();
  const close = (): void => {
    for (const fd of fds.values()) closeSync(fd);
    fds.clear();
  };
  const output = (stream: 'stdout' | 'stderr', option: OutputOption): 'pipe' | 'inherit' | 'ignore' | number => {
    if (typeof option === 'string') return option;
    const path = resolve(cwd ?? '.', option.file);
    // stdout and stderr to the same file share one open file (as `>file 2>&1`), not two that overwrite.
    const shared = fds.get(path);
    if (shared !== undefined) return shared;
    const other = stream === 'stdout' ? stderr : stdout;
    // A shared file refuses a symbolic link if either redirect asks for it.
    const noFollow = option.noFollow === true || (typeof other === 'object' && other.noFollow === true && resolve(cwd ?? '.', other.file) === path);
    try {
      const fd = openRedirect(path, { append: option.append === true, noFollow });
      fds.set(path, fd);
      return fd;
    } catch (err) {
      close();
      throw new RedirectError(stream, path, err as NodeJS.ErrnoException);
    }
  };
  // No stdin option means /dev/null: an immediate EOF, never the host's terminal.
  const input =
    stdin instanceof Readable ? stdin
    : stdin === 'inherit' ? 'inherit'
    : stdin === undefined || stdin === 'ignore' ? 'ignore'
    : 'pipe';
  return { stdio: [input, output('stdout', stdout), output('stderr', stderr)], close };
}
