import { ControlMaster } from './controlMaster.js';
import type { ResolvedHost } from './resolveHost.js';

/** A place for one process on a host: through a shared connection (its socket), or on its own one. */
export interface SessionSlot {
  readonly controlPath: string | undefined;
  /** Gives the place back; idempotent. */
  release(): void;
}

/** Someone waiting for a slot. `fail` gets what ssh said when no connection could be made. */
export interface SlotRequest {
  grant(slot: SessionSlot): void;
  fail(sshMessage: string): void;
}

/**
 * The connections rxproc holds to one host (one set of ssh settings): up to `maxConnections` masters of
 * up to `maxSessions` sessions each, started on demand, closed after `keepAlive` ms idle. Requests beyond
 * that wait in order. Without `multiplex`, up to `maxConnections` processes run at once, each on its own
 * connection.
 */
export class HostPool {
  private readonly masters: ControlMaster[] = [];
  private readonly waiting: SlotRequest[] = [];
  private readonly promised = new Map<ControlMaster, SlotRequest[]>();
  private readonly idle = new Map<ControlMaster, NodeJS.Timeout>();
  private direct = 0;

  constructor(
    private readonly host: ResolvedHost,
    private readonly owner: {
      /** A fresh path for a master's control socket. */
      socketPath(): string;
      /** The pool has nothing left: no master, no request, no process. */
      emptied(pool: HostPool): void;
    },
  ) {}

  acquire(request: SlotRequest): () => void {
    this.waiting.push(request);
    this.pump();
    return () => {
      const at = this.waiting.indexOf(request);
      if (at >= 0) this.waiting.splice(at, 1);
      for (const [master, requests] of this.promised) {
        const i = requests.indexOf(request);
        if (i < 0) continue;
        requests.splice(i, 1);
        this.done(master);
      }
    };
  }

  get hasMasters(): boolean {
    return this.masters.length > 0;
  }

  get empty(): boolean {
    return this.masters.length === 0 && this.waiting.length === 0 && this.direct === 0;
  }

  closeAll(): Promise<void> {
    for (const request of this.waiting.splice(0)) request.fail('the connections were closed by closeConnections()');
    return Promise.all(this.masters.map((master) => master.close())).then(() => undefined);
  }

  private pump(): void {
    const { host } = this;
    while (this.waiting.length > 0) {
      if (!host.multiplex) {
        if (this.direct >= host.maxConnections) return;
        this.direct++;
        this.waiting.shift()!.grant(once(undefined, () => this.direct--, () => (this.empty ? this.owner.emptied(this) : this.pump())));
        continue;
      }
      let master = this.masters.find((m) => m.state !== 'closed' && m.sessions < host.maxSessions);
      if (master === undefined) {
        if (this.masters.length >= host.maxConnections) return;
        master = this.open();
        if (master.state === 'closed') {
          this.waiting.shift()!.fail(master.failure ?? 'ssh could not be started');
          continue;
        }
      }
      const request = this.waiting.shift()!;
      master.sessions++;
      clearTimeout(this.idle.get(master));
      this.idle.delete(master);
      if (master.state === 'ready') this.grant(master, request);
      else this.promised.get(master)!.push(request);
    }
  }

  private open(): ControlMaster {
    const master = new ControlMaster(this.host, this.owner.socketPath(), this.onReady, this.onClosed);
    this.masters.push(master);
    this.promised.set(master, []);
    master.start();
    return master;
  }

  private grant(master: ControlMaster, request: SlotRequest): void {
    request.grant(once(master.controlPath, () => this.done(master), () => undefined));
  }

  /** A session on `master` ended (or a promise was withdrawn). */
  private done(master: ControlMaster): void {
    master.sessions--;
    if (master.sessions === 0 && master.state !== 'closed') {
      const timer = setTimeout(() => void master.close(), this.host.keepAlive);
      this.idle.set(master, timer.unref());
    }
    this.pump();
  }

  private readonly onReady = (master: ControlMaster): void => {
    const requests = this.promised.get(master) ?? [];
    this.promised.set(master, []);
    for (const request of requests) this.grant(master, request);
  };

  private readonly onClosed = (master: ControlMaster, message: string | undefined): void => {
    this.masters.splice(this.masters.indexOf(master), 1);
    clearTimeout(this.idle.get(master));
    this.idle.delete(master);
    const requests = this.promised.get(master) ?? [];
    this.promised.delete(master);
    for (const request of requests) request.fail(message ?? 'the shared connection closed');
    if (this.empty) this.owner.emptied(this);
    else this.pump();
  };
}

function once(controlPath: string | undefined, free: () => void, after: () => void): SessionSlot {
  let released = false;
  return {
    controlPath,
    release: () => {
      if (released) return;
      released = true;
      free();
      after();
    },
  };
}

