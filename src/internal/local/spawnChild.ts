import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { diagnoseSpawnFailure, findNulByte } from './diagnoseSpawnFailure.js';
import { planStdio, type StdioPlan } from './stdio.js';
import type { ResolvedOptions } from '../options/validateOptions.js';
import type { SessionSlot } from '../remote/pool/pools.js';

/** What to run: checked at `spawn$` time, run at each subscription. */
export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: ResolvedOptions;
  /** A pipeline stage: read stdin from this stream (the previous stage's stdout), not from `options.stdin`. */
  readonly stdinFrom?: Readable;
  /** A pipeline stage whose stdout is handed to the next stage: it is piped but never read here. */
  readonly handOverStdout?: boolean;
  /** A remote process: its place on a connection to `options.host`, granted before it is spawned. */
  readonly session?: SessionSlot;
  /** `performance.now()` at the subscription, when it was before the run (a wait for a connection). */
  readonly subscribedAt?: number;
}

const noop = (): void => undefined;

/**
 * Starts the child in its own session and process group (`detached`), so that the whole tree can be
 * signalled. Returns the child, or the `SpawnError` of a failure found before or during `spawn()`. A child
 * without a pid has failed too: its `'error'` event (ENOENT, EACCES, EMFILE, …) is still to come.
 */
export function spawnChild(spec: ProcessSpec, startedAt: number): ChildProcess | Error {
  const { command, args, options } = spec;
  const env = buildEnv(options);
  const failure = (error: unknown): Error =>
    diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt });
  const nul = findNulByte(command, args, options.env ?? {}, options.cwd);
  if (nul !== undefined) return failure(Object.assign(new Error(nul), { code: 'ERR_INVALID_ARG_VALUE' }));
  let plan: StdioPlan | undefined;
  let child: ChildProcess;
  try {
    plan = planStdio(spec.stdinFrom ?? options.stdin, options.stdout, options.stderr, options.cwd);
    child = spawn(command, args, { cwd: options.cwd, env, stdio: plan.stdio, detached: true, uid: options.uid, gid: options.gid });
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
  return (child.stdio as ChildProcess['stdio'] | undefined) ?? [];
}

function buildEnv({ env, extendEnv }: ResolvedOptions): NodeJS.ProcessEnv {
  if (env === undefined) return extendEnv ? process.env : {};
  const merged: NodeJS.ProcessEnv = extendEnv ? { ...process.env, ...env } : { ...env };
  // Node would pass `undefined` on as the string "undefined": undefined means "remove".
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged;
}
