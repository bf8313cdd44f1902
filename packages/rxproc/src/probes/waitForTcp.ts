import { connect } from 'node:net';
import type { Observable } from 'rxjs';
import { describeSocketError } from '../internal/probe/describeSocketError.js';
import { probeLoop, type ProbeSuccess } from '../internal/probe/probeLoop.js';
import { resolveProbeOptions, type ProbeOptions } from './probeOptions.js';

/**
 * Waits until `host:port` accepts a TCP connection. A cold Observable: each subscription probes anew,
 * opening a connection every `interval` ms (each bounded by `timeout`) and closing it at once. When one is
 * accepted it emits one {@link ProbeSuccess} (`result: 'connection accepted'`) and completes; after
 * `deadline` ms, or `attempts` failures, it errors with `ProbeFailedError` (`last: connection refused`).
 * Unsubscribing destroys the socket and clears the timers. Wrong arguments throw a `TypeError` at once.
 *
 * @example
 * ```ts
 * import { waitForTcp } from 'rxproc';
 *
 * waitForTcp('127.0.0.1', 5432, { interval: 200, deadline: 10_000 }).subscribe({
 *   next: ({ attempts, elapsedMs }) => console.log(`postgres is up after ${attempts} attempts, ${Math.round(elapsedMs)} ms`),
 *   error: (err: Error) => console.error(err.message),
 * });
 * ```
 */
export function waitForTcp(host: string, port: number, options?: ProbeOptions): Observable<ProbeSuccess> {
  if (typeof host !== 'string' || host === '') throw new TypeError(`waitForTcp: host must be a host name or address, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new TypeError(`waitForTcp: port must be a port number from 1 to 65535, got ${String(port)}`);
  const resolved = resolveProbeOptions('waitForTcp', options);
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return probeLoop('tcp', target, resolved, (done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => done(true, 'connection accepted'));
    // Stays attached: a socket destroyed after its attempt may still report an error.
    socket.on('error', (error) => done(false, describeSocketError(error)));
    return () => socket.destroy();
  });
}
