import { ConnectionError } from '../../../errors/ConnectionError.js';
import type { SpawnEvent, StderrEvent, StdoutEvent } from '../../../events.js';
import { TailBuffer } from '../../io/tailBuffer.js';
import type { StageSpec } from '../../options/stageSpec.js';
import { STDERR_TAIL_BYTES, type RunEnd } from '../../processHandle.js';
import { MarkerParser, type Marker } from './markerParser.js';
import { transportError, wrapperError } from './remoteFailure.js';
import type { StderrFile } from './stderrFile.js';

/** Stdout that may arrive before the wrapper's spawn report (a hostile or broken server): beyond it the run fails. */
export const MAX_HELD_STDOUT = 1024 * 1024;

/** What the report does to the run. */
export interface ReportActions {
  /** The wrapper reported the command's end. */
  readonly exited: () => void;
  /** Too much stdout before any word of the wrapper: end the run (its end is a `ConnectionError`). */
  readonly overflow: () => void;
  /** Stops (`true`) or resumes reading ssh's stdout, while a late spawn report is awaited. */
  readonly holdStdout: (held: boolean) => void;
  /** The wrapper named the process a stop request signals (it was given a control id). */
  readonly control: (pid: number) => void;
}

/**
 * What the remote wrapper says through ssh's output, turned back into events and an end. Bytes of stderr
 * before the spawn marker are ssh's or the login shell's (kept for a `ConnectionError`); after it, the
 * command's stderr (its tail kept for `ProcessExitError`, whose last lines are ssh's own words when the link
 * drops). Stdout that arrives before the spawn marker is held back, so `spawn` is still the first event.
 */
export class RemoteReport {
  private readonly parser: MarkerParser;
  private readonly preamble = new TailBuffer(8192);
  private readonly tail = new TailBuffer(STDERR_TAIL_BYTES);
  private remotePid: number | undefined;
  private reported: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
  private errorMarker: string | undefined;
  private heldStdout: Buffer[] | undefined = [];
  private heldBytes = 0;
  /** Too much stdout before the spawn report: the run fails with this message. */
  private overflow: string | undefined;

  constructor(
    private readonly spec: StageSpec,
    private readonly host: string,
    private readonly emit: (event: SpawnEvent | StdoutEvent | StderrEvent) => void,
    private readonly actions: ReportActions,
    nonce: string,
    /** The local file the command's stderr goes to, when it is redirected. */
    private readonly file: StderrFile | undefined,
  ) {
    this.parser = new MarkerParser(nonce, this.onData, this.onMarker);
  }

  /** A chunk of ssh's output. */
  output(event: StdoutEvent | StderrEvent): void {
    if (this.overflow !== undefined) return;
    if (event.type === 'stderr') this.parser.push(event.data);
    else if (this.heldStdout === undefined) this.emit(event);
    else {
      this.heldBytes += event.data.length;
      if (this.heldBytes <= MAX_HELD_STDOUT) return void this.heldStdout.push(event.data);
      // After the wrapper's hold marker the command is running and its spawn report is on its way (a busy
      // host may be slow to send it): stop reading until it comes, memory stays bounded.
      if (this.parser.isHolding) {
        this.heldStdout.push(event.data);
        return this.actions.holdStdout(true);
      }
      // Before any word of the wrapper: no wrapper sends that. Fail now rather than hold it all.
      this.heldStdout = [];
      this.overflow = `more than ${MAX_HELD_STDOUT} bytes of stdout arrived before the remote wrapper reported the spawn`;
      this.actions.overflow();
    }
  }

  /** The output is over (or no longer awaited): how the remote process ended, or the error to report. */
  end(sshExitCode: number | null, timedOut: boolean, durationMs: number): RunEnd | Error {
    this.parser.end();
    this.closeFile();
    const { command, args, options } = this.spec;
    if (this.overflow !== undefined) {
      return new ConnectionError({
        command,
        args,
        pid: undefined,
        durationMs,
        host: this.host,
        phase: 'connect',
        sshMessage: this.overflow,
        sshExitCode: null,
      });
    }
    const facts = { spec: this.spec, host: this.host, remotePid: this.remotePid, durationMs };
    if (this.errorMarker !== undefined) return wrapperError(this.errorMarker, facts);
    // Stopped by its timeout: ssh was killed, and the wrapper stops the remote group with killSignal.
    const end = this.reported ?? (timedOut && this.remotePid !== undefined ? { exitCode: null, signal: options.killSignal } : undefined);
    if (end !== undefined) return { pid: this.remotePid!, ...end, host: this.host };
    // Lost: ssh's reason is the last thing it printed, after the command's own stderr.
    const said = this.remotePid === undefined ? this.preamble.toString() : lastLines(this.tail.toString(), 2);
    return transportError(facts, said, sshExitCode, timedOut);
  }

  /** The wrapper reported the spawn: the command runs (or ran) on the remote host. */
  get hasSpawned(): boolean {
    return this.remotePid !== undefined;
  }

  /** The wrapper reported how the command ended (or that it could not start). */
  get ended(): boolean {
    return this.reported !== undefined || this.errorMarker !== undefined;
  }

  stderrTail(): string {
    return this.tail.toString();
  }

  /** Idempotent. */
  closeFile(): void {
    this.file?.close();
  }

  private readonly onData = (data: Buffer): void => {
    // Before the spawn marker: ssh's own messages, a login shell's noise.
    if (this.remotePid === undefined) return this.preamble.push(Buffer.from(data));
    this.tail.push(Buffer.from(data));
    const { stderr } = this.spec.options;
    if (stderr === 'pipe') this.emit({ type: 'stderr', data });
    else if (stderr === 'inherit') process.stderr.write(data);
    else if (typeof stderr === 'object') this.file?.write(data);
  };

  private readonly onMarker = (marker: Marker): void => {
    const [event, first = '', second] = marker;
    if (event === 'spawn' && this.remotePid === undefined) {
      this.remotePid = Number(first);
      this.emit({ type: 'spawn', pid: this.remotePid, host: this.host });
      const held = this.heldStdout ?? [];
      const wasHeld = this.heldBytes > MAX_HELD_STDOUT;
      this.heldStdout = undefined;
      for (const data of held) this.emit({ type: 'stdout', data });
      if (wasHeld) this.actions.holdStdout(false);
    } else if ((event === 'exit' || event === 'signal') && this.reported === undefined) {
      // A signal keeps the remote system's name, even where this one has no signal of that name.
      this.reported = event === 'exit' ? { exitCode: Number(first), signal: null } : { exitCode: null, signal: first as NodeJS.Signals };
      this.actions.exited();
    } else if (event === 'ctl') {
      const pid = Number(first);
      if (Number.isSafeInteger(pid) && pid > 1) this.actions.control(pid);
    } else if (event === 'error') {
      this.errorMarker = [first, second].filter((word) => word !== undefined).join(' ');
    }
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}
