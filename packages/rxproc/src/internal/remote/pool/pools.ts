import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit } from 'signal-exit';
import { DirectPool } from './directPool.js';
import { SharedPool } from './sharedPool.js';
import type { Pool, Session, SessionRequest } from './pool.js';
import type { ResolvedHost } from '../../options/resolveHost.js';

export type { Session, SessionRequest } from './pool.js';

/** One pool per set of host settings (see `ResolvedHost.poolKey`). */
const pools = new Map<string, Pool>();
/** Sockets live in a private folder with a short path (a socket path has at most 107 bytes). */
let socketDir: { path: string; removeHook: () => void } | undefined;
let nextSocket = 0;

const owner = {
  socketPath(): string {
    socketDir ??= makeSocketDir();
    return join(socketDir.path, String(nextSocket++));
  },
  emptied: forget,
};

function makeSocketDir(): { path: string; removeHook: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'rxproc-'));
  // The masters remove their sockets as they exit; the folder goes with the host or the last master.
  const removeHook = onExit(() => rmSync(path, { recursive: true, force: true }));
  return { path, removeHook };
}

function forget(pool: Pool): void {
  for (const [key, value] of pools) if (value === pool) pools.delete(key);
  if (socketDir !== undefined && ![...pools.values()].some((other) => other.hasMasters)) {
    socketDir.removeHook();
    rmSync(socketDir.path, { recursive: true, force: true });
    socketDir = undefined;
  }
}

/** Asks for sessions on `host`; returns the way to withdraw the request (giving back what was granted). */
export function requestSessions(host: ResolvedHost, request: SessionRequest): () => void {
  let pool = pools.get(host.poolKey);
  if (pool === undefined) pools.set(host.poolKey, (pool = host.multiplex ? new SharedPool(host, owner) : new DirectPool(host, owner)));
  const withdraw = pool.acquire(request);
  // A request refused at once, or withdrawn, may leave nothing in the pool: it is not kept for ever.
  const forgetIfEmpty = (): void => {
    if (pool.empty && pools.get(host.poolKey) === pool) forget(pool);
  };
  forgetIfEmpty();
  return () => {
    withdraw();
    forgetIfEmpty();
  };
}

/** A session free at once on a shared connection to `host` (see `Pool.borrow`), or `undefined`. */
export function borrowSession(host: ResolvedHost): Session | undefined {
  return pools.get(host.poolKey)?.borrow();
}

/** Closes every shared connection; see `closeConnections`. */
export function closeAllPools(): Promise<void> {
  return Promise.all([...pools.values()].map((pool) => pool.closeAll())).then(() => undefined);
}
