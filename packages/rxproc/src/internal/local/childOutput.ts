import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { StderrEvent, StdoutEvent } from '../../events.js';
import { holdsStderr, type FlowGate } from '../io/flowGate.js';
import { IdleDrain } from '../io/idleDrain.js';
import { TailBuffer } from '../io/tailBuffer.js';
import { STDERR_TAIL_BYTES } from '../processHandle.js';
import { streamsOf } from './spawnChild.js';

/**
 * A child's piped stdout and stderr, as events: counts the streams still open (completion waits for their
 * end), bounds the wait for that end after the exit by its idleness ({@link IdleDrain}), keeps the tail of
 * stderr for errors, enrols stdout in the consumer's flow gate, and knows how to stop listening (keep
 * draining, so a dying child is not killed by SIGPIPE) and to release the pipes.
 */
export class ChildOutput {
  private open = 0;
  /** Each watched stream's end listener, to remove when no longer listening. */
  private readonly overs = new Map<Readable, () => void>();
  private readonly tail = new TailBuffer(STDERR_TAIL_BYTES);
  private drain: IdleDrain | undefined;

  constructor(
    private readonly child: ChildProcess,
    /** A pipeline stage's stdout belongs to the next stage: it is never read here. */
    private readonly handOverStdout: boolean,
    private readonly gate: FlowGate | undefined,
    private readonly emit: (event: StdoutEvent | StderrEvent) => void,
    private readonly onAllClosed: () => void,
    /** Stderr handed to the next stage (`pipeTo(…, { from: 'stderr' })`): never read here either. */
    private readonly handOverStderr = false,
  ) {}

  /** Starts listening to the piped streams. */
  watch(): void {
    const { stdout, stderr } = this.child;
    if (!this.handOverStdout && stdout !== null) {
      this.listen(stdout, this.onStdout);
      this.gate?.add(stdout);
    }
    if (stderr !== null && !this.handOverStderr) {
      this.listen(stderr, this.onStderr);
      // A consumer that reads stderr too (`pipeTo(…, { from: 'stderr' | 'all' })`) holds it back as well.
      if (holdsStderr(this.gate)) this.gate?.add(stderr);
    }
  }

  /** Whether every piped stream has ended. */
  get closed(): boolean {
    return this.open === 0;
  }

  /**
   * The child exited with its pipes still open: what it wrote is read first; descendants may hold them
   * open long after, so `drainTimeout` of silence (never while `heldBack`) ends the wait with `expire`.
   */
  drainAfterExit(ms: number, heldBack: () => boolean, expire: () => void): void {
    this.drain ??= new IdleDrain(ms, heldBack, expire);
    this.drain.start();
  }

  /** The last 64 KiB of stderr, as text. */
  stderrTail(): string {
    return this.tail.toString();
  }

  /** Emits nothing more, but keeps reading (and dropping) until the pipes are released. */
  stopListening(): void {
    this.drain?.stop();
    const { stdout, stderr } = this.child;
    if (stdout !== null) this.gate?.remove(stdout);
    if (stderr !== null) this.gate?.remove(stderr);
    for (const stream of [this.handOverStdout ? null : stdout, this.handOverStderr ? null : stderr]) {
      if (stream === null) continue;
      stream.removeListener('data', this.onStdout).removeListener('data', this.onStderr);
      const over = this.overs.get(stream);
      if (over !== undefined) stream.removeListener('end', over).removeListener('close', over);
      stream.resume();
    }
  }

  /** Closes the host's ends of the child's pipes. */
  release(): void {
    for (const stream of streamsOf(this.child)) stream?.destroy();
  }

  private listen(stream: Readable, onData: (data: Buffer) => void): void {
    this.open++;
    stream.on('data', onData);
    // A stream is over at its 'end' (EOF read, in the same poll as the child's exit when both were
    // waiting), or at its 'close' when it ends without one (destroyed): whichever comes first. 'close'
    // alone would come a loop phase later, after timers confirmed in the check phase had already decided.
    let done = false;
    const over = (): void => {
      if (done) return;
      done = true;
      stream.removeListener('end', over).removeListener('close', over);
      this.onClose();
    };
    stream.once('end', over);
    stream.once('close', over);
    this.overs.set(stream, over);
  }

  private readonly onStdout = (data: Buffer): void => {
    this.drain?.activity();
    this.emit({ type: 'stdout', data });
  };

  private readonly onStderr = (data: Buffer): void => {
    this.drain?.activity();
    this.tail.push(data);
    this.emit({ type: 'stderr', data });
  };

  private readonly onClose = (): void => {
    if (--this.open === 0) this.onAllClosed();
  };
}
