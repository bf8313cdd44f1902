import { ConnectionError } from '../../../errors/ConnectionError.js';
import { SpawnError } from '../../../errors/SpawnError.js';
import type { StageSpec } from '../../options/stageSpec.js';

/** What a run knows when no exit was reported: the spec, the host's label, timing and what ssh said. */
export interface RemoteFacts {
  readonly spec: StageSpec;
  readonly host: string;
  readonly remotePid: number | undefined;
  readonly durationMs: number;
}

const ERROR_CODES: Readonly<Record<string, { code: string; reason?: string }>> = {
  'cwd FAILED': { code: 'ENOENT', reason: 'the working directory does not exist or cannot be entered there' },
  'wrapper NOPERL': { code: 'ENOTSUP', reason: `host.wrapper is 'perl' but the host has no perl on its PATH` },
  'wrapper NOSETSID': { code: 'ENOTSUP', reason: 'the host has neither perl nor setsid, which rxproc needs to control the process tree' },
};

/** The wrapper's `error …` marker as a `SpawnError` (`exec ENOENT`, `cwd FAILED`, …). */
export function wrapperError(marker: string, facts: RemoteFacts): SpawnError {
  const { command, args, options } = facts.spec;
  const [what = '', detail = ''] = marker.split(' ');
  const known = ERROR_CODES[marker] ?? { code: what === 'exec' || what === 'fork' ? detail : 'EUNKNOWN' };
  const reason = known.reason === undefined ? undefined : `${known.reason} (on ${facts.host})`;
  return new SpawnError({ command, args, pid: undefined, durationMs: facts.durationMs, host: facts.host, code: known.code, cwd: options.cwd, reason });
}

/**
 * No end was reported: the transport failed. Before the spawn marker nothing ran (`connect`, with what ssh
 * printed first); after it, the connection dropped (`lost`, with ssh's last words).
 */
export function transportError(facts: RemoteFacts, sshSaid: string, sshExitCode: number | null, timedOut: boolean): ConnectionError {
  const { command, args, options } = facts.spec;
  let sshMessage = sshSaid;
  if (timedOut) sshMessage = `the command had not started when its timeout (${options.timeout} ms) ran out${sshSaid === '' ? '' : `; ssh said: ${sshSaid}`}`;
  const phase = facts.remotePid === undefined ? 'connect' : 'lost';
  return new ConnectionError({ command, args, pid: facts.remotePid, durationMs: facts.durationMs, host: facts.host, phase, sshMessage, sshExitCode });
}

/** The local ssh itself could not be started (not installed, EMFILE, …). */
export function sshNotStarted(facts: RemoteFacts, sshPath: string, error: unknown): ConnectionError {
  const { command, args } = facts.spec;
  const sshMessage = `could not run ${sshPath}: ${error instanceof Error ? error.message : String(error)}`;
  return new ConnectionError({
    command,
    args,
    pid: undefined,
    durationMs: facts.durationMs,
    host: facts.host,
    phase: 'connect',
    sshMessage,
    sshExitCode: null,
  });
}
