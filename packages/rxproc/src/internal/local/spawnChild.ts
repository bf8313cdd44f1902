import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { diagnoseSpawnFailure, findNulByte } from './diagnoseSpawnFailure.js';
import { planStdio, type StdioPlan } from './stdio.js';
import type { ResolvedOptions } from '../options/validateOptions.js';
import type { StageSpec } from '../options/stageSpec.js';
import type { StageIo } from '../processHandle.js';

const noop = (): void => undefined;

/** Runs the synchronous spawn where the child must be born (a run's cgroup: RunCgroup.place). */
export type Place = <T>(spawn: () => T) => T;

/**
 * Starts the child in its own session and process group (`detached`), so that the whole tree can be
 * signalled. Returns the child, or the `SpawnError` of a failure found before or during `spawn()`. A child
 * without a pid has failed too: its `'error'` event (ENOENT, EACCES, EMFILE, …) is still to come.
 */
export function spawnChild(spec: StageSpec, io: StageIo, startedAt: number, place: Place = (spawn) => spawn()): ChildProcess | Error {
  const { command, args, options } = spec;
  const env = buildEnv(options);
  const failure = (error: unknown): Error => diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt });
  const nul = findNulByte(command, args, options.env ?? {}, options.cwd);
  if (nul !== undefined) return failure(Object.assign(new Error(nul), { code: 'ERR_INVALID_ARG_VALUE' }));
  let plan: StdioPlan | undefined;
  let child: ChildProcess;
  try {
    plan = planStdio(io.stdinFrom ?? options.stdin, options.stdout, options.stderr, options.cwd);
    // With `ipc`, Node's channel is a fourth fd (NODE_CHANNEL_FD tells the child which).
    const stdio = options.ipc === true ? [...(plan.stdio as Extract<StdioOptions, unknown[]>), 'ipc' as const] : plan.stdio;
    const { argv0, serialization } = options;
    child = place(() => spawn(command, args, { cwd: options.cwd, env, stdio, detached: true, uid: options.uid, gid: options.gid, argv0, serialization }));
  } catch (error) {
    return failure(error);
  } finally {
    plan?.close();
  }
  // Permanent no-op handlers: an 'error' arriving after teardown (a late EPIPE, a spawn failure nobody
  // waits for any more) must never become an uncaught exception in the host.
  child.on('error', noop);
  for (const stream of streamsOf(child)) stream?.on('error', noop);
  return child;
}

/** The child's stdio streams; Node leaves `stdio` unset when the spawn failed early (EMFILE, ENFILE). */
export function streamsOf(child: ChildProcess): ReadonlyArray<ChildProcess['stdio'][number]> {
  return child.stdio ?? [];
}

/** The child's environment: `env` over `process.env` (or alone), an `undefined` value removing the variable. */
export function buildEnv({ env, extendEnv }: ResolvedOptions): NodeJS.ProcessEnv {
  if (env === undefined) return extendEnv ? process.env : {};
  const merged: NodeJS.ProcessEnv = extendEnv ? { ...process.env, ...env } : { ...env };
  // Node would pass `undefined` on as the string "undefined": undefined means "remove".
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged;
}
