import { closeSync, constants, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { Readable } from 'node:stream';
import type { OutputOption, StdinOption } from '../options.js';

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
    try {
      refuseReaderlessFifo(path);
      const fd = openSync(path, option.append === true ? 'a' : 'w');
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
 * Opening a FIFO for writing blocks until someone opens it for reading: the host would hang inside
 * `subscribe()`. A non-blocking open tells (ENXIO) without waiting.
 */
function refuseReaderlessFifo(path: string): void {
  let isFifo = false;
  try {
    isFifo = statSync(path).isFIFO();
  } catch {
    return; // missing: it will be created as a regular file
  }
  if (!isFifo) return;
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    throw Object.assign(new Error('it is a FIFO that nobody reads (opening it would block)'), { code: 'ENXIO' });
  }
}
