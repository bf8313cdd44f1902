import { closeSync, constants, lstatSync, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { Readable } from 'node:stream';
import type { FileRedirect, OutputOption, StdinOption } from '../options.js';

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

/**
 * Opens a redirect file for writing, as local redirects (here) and a remote process's stderr file
 * (remote/stderrFile.ts) both do: created if missing (mode 0666 minus the umask), truncated unless `append`.
 * With `noFollow`, a symbolic link as the last component of `path` is refused (`O_NOFOLLOW`: ELOOP) instead
 * of followed. A FIFO that nobody reads is refused with ENXIO: opening it would block the host. Throws
 * the errno error of the open; {@link RedirectError} is the caller's wrapper.
 */
export function openRedirect(path: string, how: Pick<FileRedirect, 'append' | 'noFollow'>): number {
  const noFollow = how.noFollow === true ? constants.O_NOFOLLOW : 0;
  refuseReaderlessFifo(path, noFollow);
  try {
    return openSync(path, constants.O_WRONLY | constants.O_CREAT | (how.append === true ? constants.O_APPEND : constants.O_TRUNC) | noFollow, 0o666);
  } catch (error) {
    if (noFollow !== 0 && (error as NodeJS.ErrnoException).code === 'ELOOP' && isSymlink(path)) {
      throw Object.assign(new Error('it is a symbolic link, and noFollow is set'), { code: 'ELOOP' });
    }
    throw error;
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Opening a FIFO for writing blocks until someone opens it for reading: the host would hang inside
 * `subscribe()`. A non-blocking open tells (ENXIO) without waiting.
 */
function refuseReaderlessFifo(path: string, noFollow: number): void {
  let isFifo = false;
  try {
    // With noFollow a symbolic link is not looked through: the open below refuses it (ELOOP).
    isFifo = (noFollow !== 0 ? lstatSync(path) : statSync(path)).isFIFO();
  } catch {
    return; // missing: it will be created as a regular file
  }
  if (!isFifo) return;
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | noFollow));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    throw Object.assign(new Error('it is a FIFO that nobody reads (opening it would block)'), { code: 'ENXIO' });
  }
}
