import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import type { FileRedirect } from '../../options.js';

/**
 * Opens a redirect file for writing, as local redirects (stdio.ts) and a remote process's stderr file
 * (remote/stderrFile.ts) both do: created if missing (mode 0666 minus the umask), truncated unless `append`.
 * With `noFollow`, a symbolic link as the last component of `path` is refused (`O_NOFOLLOW`: ELOOP) instead
 * of followed. Throws the errno error of the open; {@link RedirectError} is the caller's wrapper.
 *
 * Never blocks the host: the open itself is non-blocking, so a FIFO that nobody reads is refused with ENXIO
 * at once, whatever the path is by the time it is opened (no check-then-open race). The child then gets a
 * blocking descriptor: a regular file is unaffected by O_NONBLOCK; a FIFO is opened again for blocking
 * writes while the host holds a reader of its own (so that open cannot wait); anything else (a device) is
 * opened again without O_NONBLOCK.
 */
export function openRedirect(path: string, how: Pick<FileRedirect, 'append' | 'noFollow'>): number {
  const noFollow = how.noFollow === true ? constants.O_NOFOLLOW : 0;
  const flags = constants.O_WRONLY | constants.O_CREAT | (how.append === true ? constants.O_APPEND : constants.O_TRUNC) | noFollow;
  let probe: number;
  try {
    probe = openSync(path, flags | constants.O_NONBLOCK, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENXIO') throw Object.assign(new Error('it is a FIFO that nobody reads (opening it would block)'), { code });
    if (noFollow !== 0 && code === 'ELOOP' && isSymlink(path)) throw Object.assign(new Error('it is a symbolic link, and noFollow is set'), { code });
    throw error;
  }
  const kind = fstatSync(probe);
  if (kind.isFile()) return probe;
  try {
    if (!kind.isFIFO()) return openSync(path, flags & ~constants.O_CREAT);
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | noFollow);
    try {
      return openSync(path, constants.O_WRONLY | noFollow);
    } finally {
      closeSync(reader);
    }
  } finally {
    closeSync(probe);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
