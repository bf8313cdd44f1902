/** Which kind of probe: an HTTP request, a TCP connection, or a process that must exit 0. */
export type ProbeKind = 'http' | 'tcp' | 'exec';

/** What a {@link ProbeFailedError} says about the probe that gave up. */
export interface ProbeFailedErrorDetails {
  readonly probe: ProbeKind;
  /** What was probed: the URL, `host:port`, or the command line. */
  readonly target: string;
  /** Attempts started, the one running when the deadline came included. */
  readonly attempts: number;
  /** What the last finished attempt got (`'connection refused'`, `'HTTP 503'`, `'timed out after 1000 ms'`, `'exit code 1'`), or `undefined` when none finished. */
  readonly lastResult: string | undefined;
  /** Milliseconds from the subscription to the failure. */
  readonly elapsedMs: number;
  /** `'deadline'`: the `deadline` ran out; `'attempts'`: the last of `attempts` failed. */
  readonly reason: 'deadline' | 'attempts';
  /** The `deadline` option, in ms (`Infinity` when there was none). */
  readonly deadline: number;
}

/**
 * A probe (`waitForHttp`, `waitForTcp`, `waitForExit`) gave up: its `deadline` ran out, or its
 * `attempts` did. The message names the probe, its target and what it last got, so that a person knows
 * where to look: `http probe of http://127.0.0.1:3000/health did not succeed within 30000 ms (12 attempts);
 * last: HTTP 503`.
 *
 * @example
 * ```ts
 * import { waitForTcp, ProbeFailedError } from 'rxproc';
 *
 * waitForTcp('127.0.0.1', 5432, { deadline: 2000 }).subscribe({
 *   error: (err) => {
 *     if (err instanceof ProbeFailedError) console.error(err.probe, err.target, err.attempts, err.lastResult);
 *   },
 * });
 * ```
 */
export class ProbeFailedError extends Error implements ProbeFailedErrorDetails {
  override name = 'ProbeFailedError';
  readonly probe: ProbeKind;
  readonly target: string;
  readonly attempts: number;
  readonly lastResult: string | undefined;
  readonly elapsedMs: number;
  readonly reason: 'deadline' | 'attempts';
  readonly deadline: number;

  constructor(details: ProbeFailedErrorDetails) {
    super(describe(details));
    this.probe = details.probe;
    this.target = details.target;
    this.attempts = details.attempts;
    this.lastResult = details.lastResult;
    this.elapsedMs = details.elapsedMs;
    this.reason = details.reason;
    this.deadline = details.deadline;
  }
}

function describe(d: ProbeFailedErrorDetails): string {
  const attempts = d.attempts === 1 ? '1 attempt' : `${d.attempts} attempts`;
  const how = d.reason === 'deadline' ? `did not succeed within ${d.deadline} ms (${attempts})` : `failed ${attempts} in ${Math.round(d.elapsedMs)} ms`;
  const last = d.lastResult ?? 'no attempt had finished';
  return `${d.probe} probe of ${d.target} ${how}; last: ${last}`;
}
