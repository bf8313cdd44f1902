/**
 * The control protocol: JSON lines over the run's Unix socket (docs/cli.md, "The control socket"). A client
 * writes requests, one JSON object per line; the run answers each with JSON lines carrying the request's
 * `id`. The last answer to a request has `ok` (true, or false with `error` and `message`); `logs` with
 * `follow` sends `entry` lines until the run ends or the client goes away.
 */

/** What a client may ask. */
export type ControlRequest =
  | { readonly id?: unknown; readonly command: 'info' }
  | { readonly id?: unknown; readonly command: 'ps' }
  | { readonly id?: unknown; readonly command: 'restart'; readonly tasks: readonly string[] }
  | { readonly id?: unknown; readonly command: 'start'; readonly tasks: readonly string[] }
  | { readonly id?: unknown; readonly command: 'stop'; readonly tasks?: readonly string[] }
  | { readonly id?: unknown; readonly command: 'logs'; readonly tasks: readonly string[]; readonly lines?: number; readonly follow?: boolean };

/** Why a request failed, for programs (`message` says it for people). */
export type ControlErrorCode = 'bad-request' | 'no-such-task' | 'already-running' | 'not-running' | 'stopping';

/** A request refused by the run: the answer's `error` and `message`. */
export class ControlError extends Error {
  override name = 'ControlError';
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A task as `ps` shows it. */
export interface TaskSnapshot {
  readonly name: string;
  /** waiting, running, ready, completed, failed, stopped, skipped; `restarting` while a restart is under way. */
  readonly state: string;
  readonly pid: number | null;
  readonly restarts: number;
  /** Since the current process started (null when none runs). */
  readonly uptimeMs: number | null;
  /** CPU time of every process of the task's trees, all its runs (null: not measured, e.g. a remote task). */
  readonly cpuMs: number | null;
  /** Resident memory of its live tree now. */
  readonly memoryBytes: number | null;
  readonly peakMemoryBytes: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/** A line of a task's output, or something that happened to it, as the run reported it. */
export type LogEntry =
  | {
      readonly seq: number;
      readonly task: string;
      readonly kind: 'line';
      readonly stream: 'stdout' | 'stderr';
      readonly line: string;
      readonly pid: number | undefined;
    }
  | {
      readonly seq: number;
      readonly task: string;
      readonly kind: 'event';
      readonly event: string;
      readonly details: Record<string, unknown>;
      readonly text: string;
    };
