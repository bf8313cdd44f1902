// Sessions on connections: what a pool gives out, what asks for it, and what every pool offers.

import type { ResolvedHost } from '../../options/resolveHost.js';

/** A session for one process on a host: through a shared connection (its socket), or on its own one. */
export interface Session {
  readonly controlPath: string | undefined;
  /** Gives the session back; idempotent. */
  release(): void;
}

/** Someone waiting for sessions. `fail` gets what ssh (or rxproc) said when they cannot be had. */
export interface SessionRequest {
  /** How many sessions, granted together: a pipeline's stages on this host. */
  readonly count: number;
  grant(sessions: Session[]): void;
  fail(message: string): void;
}

/** The sessions rxproc gives out for one set of host settings. */
export interface Pool {
  /** Queues `request`; returns the way to withdraw it (giving back what it was granted so far). */
  acquire(request: SessionRequest): () => void;
  /**
   * A session free at once on a ready shared connection, outside the queue (for a short control command,
   * see remoteStop), or `undefined`: none is free, or the pool has no shared connections.
   */
  borrow(): Session | undefined;
  /** Closes the shared connections (an own-connection pool has none). */
  closeAll(): Promise<void>;
  readonly hasMasters: boolean;
  /** Nothing left: no master, no request, no session in use. */
  readonly empty: boolean;
}

/** What a pool needs from the registry of pools. */
export interface PoolOwner {
  /** A fresh path for a master's control socket (may throw). */
  socketPath(): string;
  /** The pool has nothing left. */
  emptied(pool: Pool): void;
}

/** What a shared pool uses of one shared connection: a `ControlMaster`, or a fake in the specs. */
export interface PoolMaster {
  readonly controlPath: string;
  /** Sessions granted or promised on this connection (the pool counts them). */
  sessions: number;
  readonly state: 'starting' | 'ready' | 'closing' | 'closed';
  /** Whether it may take new sessions. */
  readonly usable: boolean;
  start(): void;
  /** Stops the connection; resolves once it is gone. */
  close(): Promise<void>;
}

/** Makes a (not yet started) master; it calls `onReady` once connected and `onClosed` once gone. */
export type MasterFactory = (
  host: ResolvedHost,
  controlPath: string,
  onReady: (master: PoolMaster) => void,
  onClosed: (master: PoolMaster, message: string | undefined) => void,
) => PoolMaster;

/** A request too large for the pool's limits fails at once (it could never be served). */
export function tooMany(request: SessionRequest, capacity: number, limit: string): boolean {
  if (request.count <= capacity) return false;
  request.fail(`${request.count} processes of one pipeline need a session at once on this host, more than ${limit} allow`);
  return true;
}

/** A session given back once only. */
export function once(controlPath: string | undefined, free: () => void): Session {
  let released = false;
  return {
    controlPath,
    release: () => {
      if (released) return;
      released = true;
      free();
    },
  };
}
