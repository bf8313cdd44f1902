import * as http from 'node:http';
import * as https from 'node:https';
import type { Observable } from 'rxjs';
import { describeSocketError } from '../internal/probe/describeSocketError.js';
import { probeLoop, type ProbeSuccess } from '../internal/probe/probeLoop.js';
import { resolveProbeOptions, type ProbeOptions } from './probeOptions.js';

/**
 * Waits until a GET of `url` (http: or https:) answers with a 2xx status. A cold Observable: each
 * subscription probes anew, one request every `interval` ms (each bounded by `timeout`, on a connection of
 * its own, never kept alive; the body is not read). When one answers 2xx it emits one {@link ProbeSuccess}
 * (`result: 'HTTP 200'`) and completes; after `deadline` ms, or `attempts` failures, it errors with
 * `ProbeFailedError` whose message says what the last attempt got (`HTTP 503`, `connection refused`,
 * `timed out after 2000 ms`). Redirects are not followed (a 3xx is a failure). Unsubscribing destroys the
 * request and clears the timers. A wrong URL or option throws a `TypeError` at once.
 *
 * @example
 * ```ts
 * import { waitForHttp } from 'rxproc';
 *
 * waitForHttp('http://127.0.0.1:3000/health', { interval: 250, deadline: 30_000 }).subscribe({
 *   next: ({ result }) => console.log(`api is up: ${result}`),
 *   error: (err: Error) => console.error(err.message),
 * });
 * ```
 */
export function waitForHttp(url: string | URL, options?: ProbeOptions): Observable<ProbeSuccess> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`waitForHttp: url must be an absolute http: or https: URL, got ${JSON.stringify(String(url))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`waitForHttp: url must be an http: or https: URL, got ${JSON.stringify(parsed.href)}`);
  }
  const resolved = resolveProbeOptions('waitForHttp', options);
  const client = parsed.protocol === 'https:' ? https : http;
  return probeLoop('http', parsed.href, resolved, (done) => {
    // No agent: a connection per attempt, closed with it, so nothing is left open between attempts.
    const request = client.get(parsed, { agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      done(status >= 200 && status < 300, `HTTP ${status}`);
    });
    // Stays attached: destroying the request after its attempt may still report an error.
    request.on('error', (error) => done(false, describeSocketError(error)));
    return () => request.destroy();
  });
}
