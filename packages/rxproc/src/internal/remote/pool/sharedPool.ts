import { ControlMaster } from './controlMaster.js';
import type { ResolvedHost } from '../../options/resolveHost.js';
import { once, tooMany, type Pool, type MasterFactory, type PoolMaster, type PoolOwner, type Session, type SessionRequest } from './pool.js';

/** The real masters: OpenSSH ControlMaster processes. */
const controlMasters: MasterFactory = (host, controlPath, onReady, onClosed) => new ControlMaster(host, controlPath, onReady, onClosed);

/** A request being served: its sessions on ready masters, and how many it still waits for on starting ones. */
interface PendingRequest {
  readonly request: SessionRequest;
  readonly sessions: Session[];
  readonly waitingOn: Map<PoolMaster, number>;
}

/**
 * The shared connections rxproc holds to one host (one set of host settings): up to `maxConnections`
 * masters of up to `maxSessions` sessions each, started on demand, closed after `keepAlive` ms idle.
 * Requests are served in order, each whole or not at all (a pipeline never holds some sessions while
 * waiting for the rest, which could deadlock two pipelines).
 */
export class SharedPool implements Pool {
  private readonly masters: PoolMaster[] = [];
  private readonly waiting: SessionRequest[] = [];
  private readonly pending = new Set<PendingRequest>();
  private readonly idle = new Map<PoolMaster, NodeJS.Timeout>();
  private pumping = false;
  private pumpAgain = false;

  constructor(
    private readonly host: ResolvedHost,
    private readonly owner: PoolOwner,
    /** Makes the masters (the specs pass a fake one). */
    private readonly newMaster: MasterFactory = controlMasters,
  ) {}

  acquire(request: SessionRequest): () => void {
    const { maxConnections, maxSessions } = this.host;
    if (tooMany(request, maxConnections * maxSessions, `maxConnections × maxSessions = ${maxConnections * maxSessions}`)) return () => undefined;
    this.waiting.push(request);
    this.pump();
    return () => {
      const at = this.waiting.indexOf(request);
      if (at >= 0) this.waiting.splice(at, 1);
      for (const entry of this.pending) if (entry.request === request) this.abandon(entry);
    };
  }

  borrow(): Session | undefined {
    const master = this.masters.find((m) => m.state === 'ready' && m.usable && m.sessions < this.host.maxSessions);
    if (master === undefined) return undefined;
    master.sessions++;
    clearTimeout(this.idle.get(master));
    this.idle.delete(master);
    return this.sessionOn(master);
  }

  get hasMasters(): boolean {
    return this.masters.length > 0;
  }

  get empty(): boolean {
    return this.masters.length === 0 && this.waiting.length === 0;
  }

  closeAll(): Promise<void> {
    // From the live queue and a copy of the masters: a fail may withdraw others, a close may remove one.
    for (let request = this.waiting.shift(); request !== undefined; request = this.waiting.shift()) {
      request.fail('the connections were closed by closeConnections()');
    }
    return Promise.all([...this.masters].map((master) => master.close())).then(() => undefined);
  }

  /** Sessions free now or once masters are opened: a closing master counts as a connection, with none. */
  private free(): number {
    const { maxConnections, maxSessions } = this.host;
    let free = (maxConnections - this.masters.length) * maxSessions;
    for (const master of this.masters) if (master.usable) free += maxSessions - master.sessions;
    return free;
  }

  private pump(): void {
    // Grants run user code (a subscription starting), which may come back here: loop instead of nesting.
    if (this.pumping) return void (this.pumpAgain = true);
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.waiting.length > 0 && this.free() >= this.waiting[0]!.count) this.serve(this.waiting.shift()!);
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private serve(request: SessionRequest): void {
    const entry: PendingRequest = { request, sessions: [], waitingOn: new Map() };
    for (let i = 0; i < request.count; i++) {
      let master = this.masters.find((m) => m.usable && m.sessions < this.host.maxSessions);
      if (master === undefined) {
        try {
          master = this.open();
        } catch (error) {
          this.abandon(entry);
          return request.fail(`could not prepare a shared connection: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      master.sessions++;
      clearTimeout(this.idle.get(master));
      this.idle.delete(master);
      if (master.state === 'ready') entry.sessions.push(this.sessionOn(master));
      else entry.waitingOn.set(master, (entry.waitingOn.get(master) ?? 0) + 1);
    }
    if (entry.waitingOn.size === 0) request.grant(entry.sessions);
    else this.pending.add(entry);
  }

  /** A pending request will not be granted: give back its sessions. */
  private abandon(entry: PendingRequest): void {
    this.pending.delete(entry);
    for (const session of entry.sessions.splice(0)) session.release();
    for (const [master, count] of entry.waitingOn) for (let i = 0; i < count; i++) this.done(master);
    entry.waitingOn.clear();
  }

  private open(): PoolMaster {
    const master = this.newMaster(this.host, this.owner.socketPath(), this.onReady, this.onClosed);
    this.masters.push(master);
    master.start();
    return master;
  }

  private sessionOn(master: PoolMaster): Session {
    return once(master.controlPath, () => this.done(master));
  }

  /** A session on `master` ended, or a promise of one was withdrawn. */
  private done(master: PoolMaster): void {
    master.sessions--;
    if (master.sessions === 0 && master.state === 'starting')
      void master.close(); // nobody waits for it any more
    else if (master.sessions === 0 && master.state === 'ready') this.idle.set(master, setTimeout(() => void master.close(), this.host.keepAlive).unref());
    this.pump();
  }

  private readonly onReady = (master: PoolMaster): void => {
    for (const entry of [...this.pending]) {
      const count = entry.waitingOn.get(master);
      if (count === undefined) continue;
      entry.waitingOn.delete(master);
      for (let i = 0; i < count; i++) entry.sessions.push(this.sessionOn(master));
      if (entry.waitingOn.size > 0) continue;
      this.pending.delete(entry);
      entry.request.grant(entry.sessions);
    }
  };

  private readonly onClosed = (master: PoolMaster, message: string | undefined): void => {
    this.masters.splice(this.masters.indexOf(master), 1);
    clearTimeout(this.idle.get(master));
    this.idle.delete(master);
    // Requests waiting for it, or holding sessions on it (a dead socket would make ssh connect on its own).
    for (const entry of [...this.pending]) {
      if (!entry.waitingOn.has(master) && !entry.sessions.some((session) => session.controlPath === master.controlPath)) continue;
      entry.waitingOn.delete(master);
      this.abandon(entry);
      entry.request.fail(message ?? 'the shared connection closed');
    }
    if (this.empty) this.owner.emptied(this);
    else this.pump();
  };
}
