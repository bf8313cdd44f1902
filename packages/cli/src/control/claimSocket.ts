import { linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';

/** Another live run already listens on the folder's control socket. */
export class AnotherRunError extends Error {
  override name = 'AnotherRunError';
}

/** How long a live run has to say who it is: only the message depends on it, not the refusal. */
const INFO_WAIT_MS = 2000;

type Probe = { readonly live: false } | { readonly live: true; readonly pid?: number; readonly file?: string };

/**
 * Whether a run listens on `path`. The kernel accepts a connection even while that run's event loop is
 * busy, so a connection is proof enough; its `info` answer only names it in the message. Refused (nobody
 * listens: the run died without removing it) or gone: not live.
 */
function probe(path: string): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let connected = false;
    let rest = '';
    const done = (result: Probe): void => {
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ live: true }), INFO_WAIT_MS);
    socket.on('connect', () => {
      connected = true;
      socket.write('{"command":"info"}\n');
    });
    socket.on('data', (chunk: Buffer) => {
      rest += chunk.toString();
      if (!rest.includes('\n')) return;
      clearTimeout(timer);
      try {
        const info = JSON.parse(rest.slice(0, rest.indexOf('\n'))) as { pid?: number; file?: string };
        done({ live: true, pid: info.pid, file: info.file });
      } catch {
        done({ live: true });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // EAGAIN: its backlog is full, so it is alive.
      done(connected || error.code === 'EAGAIN' ? { live: true } : { live: false });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      done({ live: connected });
    });
  });
}

/**
 * Removes the stale socket whose inode is `ino`, and only it: it is first renamed aside, then checked, so
 * that a socket another run put there meanwhile is put back instead of removed.
 */
function removeStale(path: string, ino: number): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already: another run removed it
  }
  if (statSync(aside).ino !== ino) {
    try {
      linkSync(aside, path);
    } catch {
      // a third run got there first; the one set aside cannot be reached any more either way
    }
  }
  unlinkSync(aside);
}

/**
 * Publishes the socket a server listens on at `listening` under its final name `path`, atomically (a hard
 * link, which fails when the name is taken). A stale socket there (its run died, SIGKILLed or crashed) is
 * replaced; a live run's is not: that is an `AnotherRunError`, naming the run.
 */
export async function claimSocket(listening: string, path: string, what: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      linkSync(listening, path);
      unlinkSync(listening);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let ino: number;
    try {
      ino = statSync(path).ino;
    } catch {
      continue; // removed meanwhile: try again
    }
    const found = await probe(path);
    if (found.live) {
      const who = found.pid === undefined ? 'another rxproc run' : `another rxproc run (pid ${found.pid}${found.file === undefined ? '' : `, ${found.file}`})`;
      throw new AnotherRunError(`${who} is already running in ${what}: stop it with "rxproc stop", or run from another folder`);
    }
    removeStale(path, ino);
  }
  throw new AnotherRunError(`another rxproc run is starting in ${what} at the same time`);
}
