import type { ChildProcess, Serializable } from 'node:child_process';
import type { Observable, Subscription } from 'rxjs';
import { FlowGate, withFlowGate } from '../io/flowGate.js';
import { ioTimeout, type CancelTimeout } from '../io/ioTimeout.js';
import { safely } from '../io/reportError.js';
import type { HandleSink } from '../processHandle.js';

/**
 * A child's Node IPC channel (the `ipc` option): its messages as `message` events, the `send` source
 * written one value at a time (the next once the previous was handed to the operating system; processes
 * at the source are held back meanwhile by a {@link FlowGate}), and the wait for the channel's end after
 * the exit. `release` removes every listener, stops the source and disconnects the channel.
 */
export class IpcChannel {
  private readonly queue: unknown[] = [];
  private readonly gate = new FlowGate();
  private subscription: Subscription | undefined;
  private inFlight = false;
  private sending = true;
  private ended = false;
  private whenEnded: (() => void) | undefined;
  private cancelWait: CancelTimeout | undefined;

  constructor(
    private readonly child: ChildProcess,
    /** Reports to the run's sink while the run wants reports. */
    private readonly report: (tell: (sink: HandleSink) => void) => void,
  ) {}

  /** Listens to the child's messages and subscribes `send`; call after the spawn event. */
  start(send: Observable<unknown> | undefined): void {
    this.child.on('message', this.onMessage).once('disconnect', this.onDisconnect);
    if (!this.child.connected) this.onDisconnect();
    if (send === undefined || !this.sending) return;
    this.subscription = withFlowGate(this.gate, () =>
      send.subscribe({
        next: (value) => {
          this.queue.push(value);
          this.pump();
        },
        error: (error: unknown) => {
          this.stopSending();
          this.report((sink) => sink.fail(error));
        },
      }),
    );
  }

  /** Whether the channel has ended (the child closed it, or exited and it was read to its end). */
  get closed(): boolean {
    return this.ended;
  }

  /** The child exited: nothing more is sent. */
  stopSending(): void {
    this.sending = false;
    this.queue.length = 0;
    this.gate.close();
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription !== undefined) safely(() => subscription.unsubscribe());
  }

  /** Calls `done` once the channel has ended: its messages read, or `ms` of waiting (a descendant may hold it open). */
  afterEnd(ms: number, done: () => void): void {
    if (this.ended) return done();
    this.whenEnded = done;
    // `Infinity` waits for the channel's end, however long a descendant holds it.
    if (Number.isFinite(ms)) this.cancelWait ??= ioTimeout(ms, () => this.child.connected && this.child.disconnect());
  }

  release(): void {
    this.stopSending();
    this.cancelWait?.();
    this.whenEnded = undefined;
    this.child.removeListener('message', this.onMessage).removeListener('disconnect', this.onDisconnect);
    if (this.child.connected) safely(() => this.child.disconnect());
  }

  private readonly onMessage = (data: unknown): void => this.report((sink) => sink.next({ type: 'message', data }));

  private readonly onDisconnect = (): void => {
    this.ended = true;
    this.stopSending();
    this.cancelWait?.();
    const done = this.whenEnded;
    this.whenEnded = undefined;
    done?.();
  };

  /** Sends the next value unless one is still on its way; holds the source back while values wait. */
  private pump(): void {
    if (this.inFlight || !this.sending || this.queue.length === 0) return;
    const value = this.queue.shift() as Serializable;
    this.inFlight = true;
    this.gate.pause();
    try {
      this.child.send(value, this.onSent);
    } catch (error) {
      // Node refuses it before sending: undefined, a function, a symbol, a BigInt or a cycle with JSON, …
      this.inFlight = false;
      this.stopSending();
      const failure = new TypeError(`send: the Observable emitted a value that cannot be sent: ${(error as Error).message}`, { cause: error });
      this.report((sink) => sink.fail(failure));
    }
  }

  private readonly onSent = (error: Error | null): void => {
    this.inFlight = false;
    if (!this.sending) return;
    if (error !== null) {
      this.stopSending();
      // The channel closed under the send: the child went away, and its exit decides (as EPIPE on stdin).
      if ((error as NodeJS.ErrnoException).code !== 'ERR_IPC_CHANNEL_CLOSED') this.report((sink) => sink.fail(error));
      return;
    }
    if (this.queue.length === 0) this.gate.resume();
    else this.pump();
  };
}
