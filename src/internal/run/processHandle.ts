import type { ProcessEvent, StderrEvent, StdoutEvent } from '../../events.js';
import { SpawnError } from '../../errors/SpawnError.js';
import { diagnoseSpawnFailure } from '../local/diagnoseSpawnFailure.js';
import type { ProcessSpec } from '../local/spawnChild.js';

/** How a run ended, as its `exit` event says. */
export interface RunEnd {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The remote host, for a process run over ssh. */
  readonly host?: string;
}

/**
 * Where a run's process lives, between {@link ProcessRun} (the lifecycle: spawn, output, exit, teardown,
 * all on a local child) and what that child stands for: itself ({@link LocalTransport}), or a process on
 * another host that a local `ssh` carries (`RemoteLink`).
 */
export interface RunTransport {
  /** What to spawn here, or the error that ends the run before anything is spawned. */
  prepare(startedAt: number): ProcessSpec | Error;
  /** The local child is running. */
  started(pid: number): void;
  /** A chunk of the local child's output. */
  output(event: StdoutEvent | StderrEvent): void;
  /** The local child exited and its output was read: how the process ended, or the error that is. */
  end(local: RunEnd, timedOut: boolean, durationMs: number): RunEnd | Error;
  /** The tail of stderr for a `ProcessExitError`, when the transport keeps it (else the pipe's is used). */
  stderrTail(): string | undefined;
  /** The local child could not be started (`error` as Node gave it, or the `SpawnError` already made of it): the error to report. */
  startFailure(error: unknown, startedAt: number): Error;
  /** The local child is gone, or never came: give back what the run held. Idempotent. */
  release(): void;
}

/** A process on this machine: the child is the process. */
export class LocalTransport implements RunTransport {
  constructor(
    private readonly spec: ProcessSpec,
    private readonly emit: (event: ProcessEvent) => void,
  ) {}

  prepare(): ProcessSpec {
    return this.spec;
  }

  started(pid: number): void {
    this.emit({ type: 'spawn', pid });
  }

  output(event: StdoutEvent | StderrEvent): void {
    this.emit(event);
  }

  end(local: RunEnd): RunEnd {
    return local;
  }

  stderrTail(): undefined {
    return undefined;
  }

  startFailure(error: unknown, startedAt: number): Error {
    if (error instanceof SpawnError) return error;
    const { command, args, options } = this.spec;
    return diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt });
  }

  release(): void {}
}
