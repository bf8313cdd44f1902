import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A control folder that cannot be used safely: someone else's, or open to others. */
export class ControlPathError extends Error {
  override name = 'ControlPathError';
}

/**
 * The folder holding the runs' control sockets, which only this user may enter: `$XDG_RUNTIME_DIR/rxproc`
 * (the per-user runtime folder systemd makes, mode 0700, emptied at logout), else `$TMPDIR/rxproc-UID`, as
 * tmux does. Not next to the task file: a socket path is limited to 107 bytes, a project folder may be
 * read-only or on a file system without sockets (a container's bind mount), and it would litter the
 * repository. A folder that exists but is not ours, not a real folder, or open to others is refused: a
 * socket in it could be replaced by another user's.
 */
export function controlDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  const runtime = env.XDG_RUNTIME_DIR;
  const dir = runtime !== undefined && runtime !== '' ? join(runtime, 'rxproc') : join(tmpdir(), `rxproc-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new ControlPathError(`${dir} is not a folder: rxproc keeps its control sockets there (remove it)`);
  if (stat.uid !== uid)
    throw new ControlPathError(`${dir} belongs to another user (uid ${stat.uid}): rxproc keeps its control sockets there (remove it, or set XDG_RUNTIME_DIR)`);
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new ControlPathError(`${dir} can be entered by other users (mode ${mode}): rxproc keeps its control sockets there (chmod 700 it)`);
  }
  return dir;
}

/**
 * The control socket of the run started in `folder` (the task file's folder, or the working folder for
 * commands given inline): named by a hash of the folder's real path, so that every way of naming the folder
 * (a symlink, `..`) finds the same run, and the name is short whatever the folder.
 */
export function controlSocketPath(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(realpathSync(folder)).digest('hex').slice(0, 24);
  return join(controlDir(env), `${hash}.sock`);
}
