import { remoteSideIfLoaded } from './internal/remoteSide.js';

/**
 * Closes every shared ssh connection rxproc holds (see the `host` option's `multiplex`) now, rather than
 * after their `keepAlive`. Processes still running through them lose their connection: they fail with a
 * `ConnectionError` and rxproc's remote wrapper stops their process groups. The next remote process opens
 * a new connection. Shared connections never keep the host alive and are closed when it exits, so this is
 * for a clean shutdown, a test's teardown, or a reconnect after the network changed.
 *
 * @example
 * ```ts
 * import { spawn$, closeConnections } from 'rxproc';
 * import { lastValueFrom } from 'rxjs';
 *
 * await lastValueFrom(spawn$('uptime', [], { host: 'web1' }));
 * await closeConnections();
 * ```
 *
 * @returns A promise that resolves once every connection's ssh process has exited. It never rejects.
 */
export function closeConnections(): Promise<void> {
  // Never loaded: no connection was ever opened.
  return remoteSideIfLoaded()?.then((remote) => remote.closeAllPools()) ?? Promise.resolve();
}
