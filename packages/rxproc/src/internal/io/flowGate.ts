import type { Readable } from 'node:stream';

/**
 * Backpressure across an Observable chain. An Observable cannot be paused, but the processes at its source
 * can: whoever writes a chain's output into a pipe (a child's stdin) opens a gate while subscribing to the
 * chain, and every process subscribed synchronously inside (through `map`, `filter`, `lines`, …) enrols
 * its stdout. When the pipe is full the gate pauses them all; the kernel pipe then fills and the upstream
 * processes block in `write()`, so memory stays bounded whatever the data size. A process subscribed
 * later (asynchronously, e.g. inside `mergeMap`) is not enrolled and is not held back.
 */
export class FlowGate {
  private readonly members = new Set<Readable>();
  private paused = false;
  private closed = false;

  /** Whether the consumer is full and the members are held back. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Enrols an output stream; it is paused at once if the consumer is full. A gate closed for good enrols nothing. */
  add(stream: Readable): void {
    if (this.closed) return;
    this.members.add(stream);
    if (this.paused) stream.pause();
  }

  remove(stream: Readable): void {
    this.members.delete(stream);
  }

  /** The consumer is full: stop reading from every member. */
  pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    for (const stream of this.members) stream.pause();
  }

  /** The consumer drained: read again. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const stream of this.members) stream.resume();
  }

  /**
   * The consumer is gone (its source was unsubscribed, its pipe closed): release every member and never
   * hold one back again. A member may be shared with other consumers (`share()`): left paused, it would
   * stall them for good. Idempotent.
   */
  close(): void {
    this.closed = true;
    this.resume();
    this.members.clear();
  }
}

let current: FlowGate | undefined;
/** Gates whose members enrol their stderr too: the consumer reads it (`pipeTo(…, { from: 'stderr' | 'all' })`). */
const stderrGates = new WeakSet<FlowGate>();

/** From now on, processes enrolling in `gate` enrol their stderr as well as their stdout. */
export function holdStderrToo(gate: FlowGate): void {
  stderrGates.add(gate);
}

/** Whether `gate` holds back its members' stderr too. */
export function holdsStderr(gate: FlowGate | undefined): boolean {
  return gate !== undefined && stderrGates.has(gate);
}

/** Runs `subscribe` with `gate` open for enrolment (nested gates shadow outer ones; `undefined`: none). */
export function withFlowGate<T>(gate: FlowGate | undefined, subscribe: () => T): T {
  const outer = current;
  current = gate;
  try {
    return subscribe();
  } finally {
    current = outer;
  }
}

/** The gate a process starting now should enrol its stdout in, if any. */
export function currentFlowGate(): FlowGate | undefined {
  return current;
}
