import { ProcessExitError, ProcessTimeoutError } from '../../errors/ProcessExitError.js';
import type { StageSpec } from '../options/stageSpec.js';

/** How a process ended, as the exit event says, with the tail of its stderr. */
export interface ExitFacts {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  readonly stderr: string;
  /** The remote host, for a process run over ssh. */
  readonly host?: string;
}

/**
 * The error a finished process ends its Observable with, or `undefined` when it succeeded: a timeout, a
 * signal, or an exit code outside `successExitCodes`.
 */
export function exitFailure(spec: StageSpec, facts: ExitFacts, timedOut: boolean): ProcessExitError | undefined {
  const details = { command: spec.command, args: spec.args, ...facts };
  const { timeout = 0, killSignal, successExitCodes } = spec.options;
  if (timedOut) return new ProcessTimeoutError({ ...details, timeoutMs: timeout, killSignal });
  if (facts.signal !== null || facts.exitCode === null || !successExitCodes.includes(facts.exitCode)) {
    return new ProcessExitError(details);
  }
  return undefined;
}
