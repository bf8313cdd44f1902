import { ProcessExitError, ProcessTimeoutError } from '../../errors/ProcessExitError.js';
import type { StageSpec } from '../options/stageSpec.js';

/** How a process ended, as the exit event says. */
export interface ExitFacts {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  /** The remote host, for a process run over ssh. */
  readonly host?: string;
}

/**
 * The error a finished process ends its Observable with, or `undefined` when it succeeded: a timeout, a
 * signal, or an exit code outside `successExitCodes`. `stderr` gives the tail of its stderr, read only for
 * an error (joining up to 64 KiB is not for every successful run).
 */
export function exitFailure(spec: StageSpec, facts: ExitFacts, timedOut: boolean, stderr: () => string): ProcessExitError | undefined {
  const { timeout = 0, killSignal, successExitCodes } = spec.options;
  const failed = timedOut || facts.signal !== null || facts.exitCode === null || !successExitCodes.includes(facts.exitCode);
  if (!failed) return undefined;
  const details = { command: spec.command, args: spec.args, ...facts, stderr: stderr() };
  return timedOut ? new ProcessTimeoutError({ ...details, timeoutMs: timeout, killSignal }) : new ProcessExitError(details);
}
