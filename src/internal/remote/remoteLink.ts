import { ConnectionError } from '../../errors/ConnectionError.js';
import type { ProcessError } from '../../errors/ProcessError.js';
import { SpawnError } from '../../errors/SpawnError.js';
import type { ProcessSpec } from '../spawnChild.js';
import { TailBuffer } from '../tailBuffer.js';
import type { SessionSlot } from './connectionPool.js';
import { MarkerParser, type Marker } from './markerParser.js';
import { MAX_REMOTE_COMMAND, newNonce, remoteCommand } from './remoteCommand.js';
import { diagnoseSpawnFailure, findNulByte } from '../diagnoseSpawnFailure.js';
import { StderrFile } from './stderrFile.js';
import type { ResolvedHost } from './resolveHost.js';
import { processArgs } from './sshArgs.js';

/** How the remote process ended, from the helper's report. */
export interface RemoteEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

const ERROR_CODES: Readonly<Record<string, { code: string; reason?: string }>> = {
  'cwd FAILED': { code: 'ENOENT', reason: 'the working directory does not exist or cannot be entered there' },
  'wrapper NOPERL': { code: 'ENOTSUP', reason: `host.wrapper is 'perl' but the host has no perl on its PATH` },
  'wrapper NOSETSID': { code: 'ENOTSUP', reason: 'the host has neither perl nor setsid, which rxproc needs to control the process tree' },
};

/**
 * The local half of a remote process: the `ssh` command that carries it, and what the remote helper
 * reports through stderr markers (spawn, exit code or signal name, errors) turned back into events and
 * errors. Bytes before the spawn marker are ssh's or the login shell's (kept for a `ConnectionError`);
 * stdout that arrives before it is held back, so `spawn` is still the first event.
 */
export class RemoteLink {
  readonly host: ResolvedHost;
  private readonly nonce = newNonce();
  private readonly parser: MarkerParser;
  private readonly preamble = new TailBuffer(8192);
  /** The command's stderr, for `ProcessExitError`; its last bytes are ssh's own words when the link drops. */
  private readonly tail = new TailBuffer(64 * 1024);
  private remotePid: number | undefined;
  private end: RemoteEnd | undefined;
  private errorMarker: string | undefined;
  private heldStdout: Buffer[] | undefined = [];
  private file: StderrFile | undefined;

  constructor(
    private readonly spec: ProcessSpec,
    private readonly slot: SessionSlot,
    private readonly out: {
      spawned(pid: number): void;
      stdout(data: Buffer): void;
      stderr(data: Buffer): void;
    },
  ) {
    this.host = spec.options.host!;
    this.parser = new MarkerParser(this.nonce, this.onData, this.onMarker);
  }

  /** The remote process id, once the helper has started it. */
  get pid(): number | undefined {
    return this.remotePid;
  }

  /** What to run locally: ssh, with the remote command; a `SpawnError` for what cannot be sent. */
  localSpec(durationMs: number): ProcessSpec | SpawnError {
    const { command, args, options } = this.spec;
    const { killSignal, killTimeout, drainTimeout, cwd, env } = options;
    const refuse = (code: string, reason: string): SpawnError =>
      new SpawnError({ command, args, pid: undefined, durationMs, host: this.host.label, cwd, code, reason });
    const nul = findNulByte(command, args, env ?? {}, cwd);
    if (nul !== undefined) return refuse('ERR_INVALID_ARG_VALUE', nul);
    const remote = remoteCommand({ argv: [command, ...args], cwd, env, killSignal, killTimeout, drainTimeout }, this.host, this.nonce);
    if (remote === undefined) return refuse('E2BIG', `the command, arguments and environment make a remote command longer than ${MAX_REMOTE_COMMAND} bytes`);
    let stdout = options.stdout;
    if (typeof options.stderr === 'object') {
      const opened = StderrFile.open(stdout, options.stderr);
      if (opened instanceof Error) return diagnoseSpawnFailure(opened, { command, args, cwd: undefined, startedAt: performance.now() - durationMs });
      ({ file: this.file, stdout } = opened);
    }
    // ssh runs in the host's environment (SSH_AUTH_SOCK, HOME) and cwd; its stderr carries the markers.
    const local = { ...options, cwd: undefined, env: undefined, extendEnv: true, stdout, stderr: 'pipe' as const };
    return { ...this.spec, command: this.host.sshPath, args: processArgs(this.host, this.slot.controlPath, remote), options: local };
  }

  stdout(data: Buffer): void {
    if (this.heldStdout === undefined) this.out.stdout(data);
    else this.heldStdout.push(data);
  }

  stderr(data: Buffer): void {
    this.parser.push(data);
  }

  /** ssh has exited and its output is read: how the remote process ended, or the error to report. */
  outcome(sshExitCode: number | null, timedOut: boolean, durationMs: number): RemoteEnd | ProcessError {
    this.parser.end();
    this.file?.close();
    const { command, args, options } = this.spec;
    const details = { command, args, pid: this.remotePid, durationMs, host: this.host.label };
    if (this.errorMarker !== undefined) {
      const [what = '', detail = ''] = this.errorMarker.split(' ');
      const known = ERROR_CODES[this.errorMarker] ?? { code: what === 'exec' || what === 'fork' ? detail : 'EUNKNOWN' };
      return new SpawnError({ ...details, pid: undefined, code: known.code, cwd: options.cwd, reason: known.reason === undefined ? undefined : `${known.reason} (on ${this.host.label})` });
    }
    if (this.end !== undefined) return this.end;
    // Stopped by its timeout: ssh was killed, and the helper stops the remote group with killSignal.
    if (timedOut && this.remotePid !== undefined) return { exitCode: null, signal: options.killSignal };
    // Lost: ssh's reason is the last thing it printed, after the command's own stderr.
    let sshMessage = this.remotePid === undefined ? this.preamble.toString() : lastLines(this.tail.toString(), 2);
    if (timedOut) sshMessage = `the command had not started when its timeout (${options.timeout} ms) ran out${sshMessage === '' ? '' : `; ssh said: ${sshMessage}`}`;
    return new ConnectionError({ ...details, phase: this.remotePid === undefined ? 'connect' : 'lost', sshMessage, sshExitCode: sshExitCode });
  }

  /** The last 64 KiB of the command's stderr. */
  stderrTail(): string {
    return this.tail.toString();
  }

  /** Releases the connection slot; idempotent. */
  release(): void {
    this.slot.release();
    this.file?.close();
  }

  private readonly onData = (data: Buffer): void => {
    // Before the spawn marker: ssh's own messages, a login shell's noise.
    if (this.remotePid === undefined) return this.preamble.push(Buffer.from(data));
    this.tail.push(Buffer.from(data));
    const { stderr } = this.spec.options;
    if (stderr === 'pipe') this.out.stderr(data);
    else if (stderr === 'inherit') process.stderr.write(data);
    else if (typeof stderr === 'object') this.file?.write(data);
  };

  private readonly onMarker = (marker: Marker): void => {
    const [event, first = '', second] = marker;
    if (event === 'spawn' && this.remotePid === undefined) {
      this.remotePid = Number(first);
      this.out.spawned(this.remotePid);
      const held = this.heldStdout ?? [];
      this.heldStdout = undefined;
      for (const data of held) this.out.stdout(data);
    } else if (event === 'exit' && this.end === undefined) {
      this.end = { exitCode: Number(first), signal: null };
    } else if (event === 'signal' && this.end === undefined) {
      // The remote system's name, even where this one has no signal of that name.
      this.end = { exitCode: null, signal: first as NodeJS.Signals };
    } else if (event === 'error') {
      this.errorMarker = [first, second].filter((word) => word !== undefined).join(' ');
    }
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}
