import { SpawnError } from '../../../errors/SpawnError.js';
import { diagnoseSpawnFailure, findNulByte } from '../../local/diagnoseSpawnFailure.js';
import type { StageSpec } from '../../options/stageSpec.js';
import type { StageIo } from '../../processHandle.js';
import type { ResolvedHost } from '../../options/resolveHost.js';
import { processArgs } from '../sshArgs.js';
import { MAX_REMOTE_COMMAND, remoteCommand } from '../wrapper/remoteCommand.js';
import { withPreamble } from './sshStdin.js';
import { StderrFile } from './stderrFile.js';

/** The local `ssh` that carries a remote process, and the file its stderr goes to (written by rxproc). */
export interface SshRun {
  readonly spec: StageSpec;
  readonly file: StderrFile | undefined;
}

/**
 * What to spawn here for a remote stage: `ssh` with the remote command (the wrapper), or the `SpawnError`
 * of what cannot be sent (a NUL byte, a command too long, a stderr file that cannot be opened).
 */
export function sshSpec(
  stage: StageSpec,
  io: StageIo,
  host: ResolvedHost,
  ids: { readonly controlPath: string | undefined; readonly nonce: string; readonly control: string | undefined },
  startedAt: number,
): SshRun | Error {
  const { controlPath, nonce, control } = ids;
  const { command, args, options } = stage;
  const { killSignal, killTimeout, drainTimeout, cwd, env } = options;
  const refuse = (code: string, reason: string): SpawnError =>
    new SpawnError({ command, args, pid: undefined, durationMs: performance.now() - startedAt, host: host.label, cwd, code, reason });
  const nul = findNulByte(command, args, env ?? {}, cwd);
  if (nul !== undefined) return refuse('ERR_INVALID_ARG_VALUE', nul);
  const remote = remoteCommand({ argv: [command, ...args], cwd, env, killSignal, killTimeout, drainTimeout, control }, host, nonce);
  if (remote === undefined) return refuse('E2BIG', `the command, arguments, environment and cwd add up to more than ${MAX_REMOTE_COMMAND} bytes`);
  let stdout = options.stdout;
  let file: StderrFile | undefined;
  if (typeof options.stderr === 'object') {
    const opened = StderrFile.open(stdout, options.stderr);
    if (opened instanceof Error) return diagnoseSpawnFailure(opened, { command, args, cwd: undefined, startedAt });
    ({ file, stdout } = opened);
  }
  // ssh runs in the host's environment (SSH_AUTH_SOCK, HOME) and cwd; its stderr carries the markers.
  // The preamble (nonce, env, cwd, argv) goes first on ssh's stdin, never in a command line; the
  // command's own stdin follows it, streamed as before, and its end is still the remote EOF.
  const stdin = withPreamble(remote.preamble, io.stdinFrom ?? options.stdin);
  const sshOptions = { ...options, cwd: undefined, env: undefined, extendEnv: true, stdin, stdout, stderr: 'pipe' as const };
  return { spec: { command: host.sshPath, args: processArgs(host, controlPath, remote.command), options: sshOptions }, file };
}
