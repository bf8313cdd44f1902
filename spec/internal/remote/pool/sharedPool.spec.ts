import { expect } from 'chai';
import type { ResolvedHost } from '../../../../packages/rxproc/src/internal/options/resolveHost.js';
import { SharedPool } from '../../../../packages/rxproc/src/internal/remote/pool/sharedPool.js';
import type { Pool, MasterFactory, PoolMaster, Session, SessionRequest } from '../../../../packages/rxproc/src/internal/remote/pool/pool.js';

/** A master that connects or dies when the spec says so. */
class FakeMaster implements PoolMaster {
  sessions = 0;
  state: PoolMaster['state'] = 'starting';
  started = false;
  closeCalls = 0;

  constructor(
    readonly controlPath: string,
    private readonly onReady: (master: PoolMaster) => void,
    private readonly onClosed: (master: PoolMaster, message: string | undefined) => void,
  ) {}

  get usable(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  start(): void {
    this.started = true;
  }

  ready(): void {
    this.state = 'ready';
    this.onReady(this);
  }

  die(message: string | undefined): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.onClosed(this, message);
  }

  close(): Promise<void> {
    this.closeCalls++;
    if (this.usable) this.state = 'closing';
    return Promise.resolve().then(() => this.die(undefined));
  }
}

/** A request that records what it got. */
class Request implements SessionRequest {
  granted: Session[] | undefined;
  failed: string | undefined;
  withdraw: () => void = () => undefined;
  constructor(readonly count: number) {}
  grant(sessions: Session[]): void {
    expect(this.granted, 'granted twice').to.equal(undefined);
    this.granted = sessions;
  }
  fail(message: string): void {
    expect(this.failed, 'failed twice').to.equal(undefined);
    this.failed = message;
  }
  release(): void {
    for (const session of this.granted ?? []) session.release();
  }
  get waiting(): boolean {
    return this.granted === undefined && this.failed === undefined;
  }
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('internal/remote/sharedPool (with fake masters)', () => {
  let masters: FakeMaster[];
  let emptied: Pool[];

  function pool(limits: { maxConnections: number; maxSessions: number; keepAlive?: number }): SharedPool {
    const host = { keepAlive: 60_000, ...limits } as ResolvedHost;
    const factory: MasterFactory = (_host, controlPath, onReady, onClosed) => {
      const master = new FakeMaster(controlPath, onReady, onClosed);
      masters.push(master);
      return master;
    };
    let next = 0;
    return new SharedPool(host, { socketPath: () => `/fake/${next++}`, emptied: (p) => emptied.push(p) }, factory);
  }

  function ask(p: SharedPool, count: number): Request {
    const request = new Request(count);
    request.withdraw = p.acquire(request);
    return request;
  }

  beforeEach(() => {
    masters = [];
    emptied = [];
  });

  it('grants pending in order: a request waiting at the head is not overtaken by a smaller one behind it', () => {
    const p = pool({ maxConnections: 1, maxSessions: 2 });
    const a = ask(p, 1);
    expect(masters).to.have.length(1);
    expect(masters[0]!.started).to.equal(true);
    masters[0]!.ready();
    expect(a.granted).to.have.length(1);
    expect(a.granted![0]!.controlPath).to.equal('/fake/0');
    const b = ask(p, 2);
    const c = ask(p, 1);
    // One session is free, but c queued behind b.
    expect(b.waiting && c.waiting).to.equal(true);
    a.release();
    expect(b.granted).to.have.length(2);
    expect(c.waiting).to.equal(true);
    b.release();
    expect(c.granted).to.have.length(1);
    const d = ask(p, 1);
    const e = ask(p, 1);
    expect(d.granted).to.have.length(1);
    expect(e.waiting).to.equal(true);
    c.release();
    expect(e.granted).to.have.length(1);
    expect(masters).to.have.length(1);
  });

  it("grants a pipeline's sessions on a host together, never half of them", () => {
    const p = pool({ maxConnections: 2, maxSessions: 1 });
    const a = ask(p, 2);
    expect(masters).to.have.length(2);
    masters[0]!.ready();
    expect(a.waiting, 'granted with one master of two connected').to.equal(true);
    masters[1]!.ready();
    expect(a.granted!.map((session) => session.controlPath)).to.have.members(['/fake/0', '/fake/1']);
    // With one session given back, a pipeline of two takes none of it while it waits.
    a.granted![0]!.release();
    const b = ask(p, 2);
    expect(b.waiting).to.equal(true);
    expect(masters.map((m) => m.sessions)).to.deep.equal([0, 1]);
    a.granted![1]!.release();
    expect(b.granted).to.have.length(2);
    expect(masters).to.have.length(2);
  });

  it('runs pipelines that each need every session one after another instead of deadlocking', () => {
    const p = pool({ maxConnections: 1, maxSessions: 2 });
    const pipelines = [ask(p, 2), ask(p, 2), ask(p, 2)];
    masters[0]!.ready();
    for (let i = 0; i < pipelines.length; i++) {
      expect(pipelines.map((r) => r.granted !== undefined)).to.deep.equal(pipelines.map((_, k) => k <= i));
      expect(masters.map((m) => m.sessions)).to.deep.equal([2]);
      // Giving back one session of two does not let the next one start with half.
      pipelines[i]!.granted![0]!.release();
      expect(pipelines.filter((r) => r.granted !== undefined)).to.have.length(i + 1);
      pipelines[i]!.granted![1]!.release();
    }
    expect(pipelines.every((r) => r.failed === undefined)).to.equal(true);
    expect(masters).to.have.length(1);
  });

  it('fails at once a request for more sessions than maxConnections × maxSessions', () => {
    const p = pool({ maxConnections: 2, maxSessions: 2 });
    const r = ask(p, 5);
    expect(r.failed).to.contain('5 processes of one pipeline need a session at once').and.contain('maxConnections × maxSessions = 4');
    expect(r.granted).to.equal(undefined);
    expect(masters).to.have.length(0);
    expect(p.empty).to.equal(true);
    // The most that fits is served.
    expect(ask(p, 4).failed).to.equal(undefined);
    expect(masters).to.have.length(2);
  });

  it('a master dying before it is ready fails the requests waiting for it with its reason, and the queue moves on', () => {
    const p = pool({ maxConnections: 1, maxSessions: 1 });
    const a = ask(p, 1);
    const b = ask(p, 1);
    masters[0]!.die('Permission denied (publickey).');
    expect(a.failed).to.equal('Permission denied (publickey).');
    expect(a.granted).to.equal(undefined);
    // b was only queued: it gets a fresh master.
    expect(b.waiting).to.equal(true);
    expect(masters).to.have.length(2);
    expect(masters[1]!.started).to.equal(true);
    masters[1]!.ready();
    expect(b.granted).to.have.length(1);
    expect(b.granted![0]!.controlPath).to.equal('/fake/1');
  });

  it('a master dying fails a request holding sessions on it, and gives back its sessions on other masters', async () => {
    const p = pool({ maxConnections: 2, maxSessions: 1 });
    const a = ask(p, 2);
    masters[0]!.ready(); // a holds its session on master 0 and waits for master 1
    masters[0]!.die(undefined);
    expect(a.failed).to.equal('the shared connection closed');
    expect(a.granted).to.equal(undefined);
    // Nobody waits for master 1 any more: it is closed while still starting.
    expect(masters[1]!.sessions).to.equal(0);
    expect(masters[1]!.closeCalls).to.equal(1);
    await tick();
    expect(masters[1]!.state).to.equal('closed');
    expect(p.empty).to.equal(true);
    expect(emptied).to.deep.equal([p]);
  });

  it('a withdrawn request gives its sessions back, whether queued, partly held or granted', async () => {
    const p = pool({ maxConnections: 2, maxSessions: 1 });
    const a = ask(p, 2);
    masters[0]!.ready(); // a holds master 0's session, waits for master 1
    const b = ask(p, 1); // queued
    b.withdraw();
    a.withdraw();
    expect(a.waiting && b.waiting).to.equal(true);
    expect(masters[0]!.sessions).to.equal(0);
    expect(masters[1]!.sessions).to.equal(0);
    expect(masters[1]!.closeCalls).to.equal(1);
    await tick();
    // The ready master's session is free again, at once.
    const c = ask(p, 1);
    expect(c.granted!.map((session) => session.controlPath)).to.deep.equal(['/fake/0']);
    const d = ask(p, 2);
    expect(d.waiting).to.equal(true);
    c.withdraw(); // after the grant, the session stays the holder's until released
    expect(d.waiting).to.equal(true);
    c.release();
    c.release(); // idempotent
    expect(masters[0]!.sessions).to.equal(1);
    expect(d.waiting).to.equal(true); // its second master is still starting
    masters[2]!.ready();
    expect(d.granted).to.have.length(2);
    expect(b.granted).to.equal(undefined);
    expect(a.granted).to.equal(undefined);
  });

  it('closes an idle master after keepAlive, and a request within keepAlive reuses it', async () => {
    const p = pool({ maxConnections: 1, maxSessions: 1, keepAlive: 60 });
    const a = ask(p, 1);
    masters[0]!.ready();
    a.release();
    await tick(20);
    const b = ask(p, 1);
    expect(b.granted!.map((session) => session.controlPath)).to.deep.equal(['/fake/0']);
    // In use, it stays open past the first keepAlive.
    await tick(120);
    expect(masters[0]!.closeCalls).to.equal(0);
    b.release();
    await tick(20);
    expect(masters[0]!.closeCalls).to.equal(0);
    await tick(100);
    expect(masters[0]!.closeCalls).to.equal(1);
    expect(masters[0]!.state).to.equal('closed');
    expect(masters).to.have.length(1);
    expect(p.empty).to.equal(true);
    expect(emptied).to.deep.equal([p]);
  });

  it('closeAll() fails the queued requests and closes every master', async () => {
    const p = pool({ maxConnections: 1, maxSessions: 1 });
    const a = ask(p, 1);
    masters[0]!.ready();
    const b = ask(p, 1);
    await p.closeAll();
    expect(a.granted).to.have.length(1);
    expect(b.failed).to.contain('closeConnections()');
    expect(masters[0]!.state).to.equal('closed');
    expect(p.empty).to.equal(true);
  });

  it('lends a session free at once on a ready connection (a stop request), counted, never one promised or starting', () => {
    const p = pool({ maxConnections: 1, maxSessions: 2 });
    expect(p.borrow(), 'no connection yet').to.equal(undefined);
    const a = ask(p, 1);
    expect(p.borrow(), 'the connection is still starting').to.equal(undefined);
    masters[0]!.ready();
    const lent = p.borrow()!;
    expect(lent.controlPath).to.equal('/fake/0');
    expect(masters[0]!.sessions).to.equal(2);
    // Full: nothing more to lend, and a process asking now waits rather than losing its session to the lender.
    expect(p.borrow()).to.equal(undefined);
    const b = ask(p, 1);
    expect(b.waiting).to.equal(true);
    lent.release();
    lent.release();
    expect(b.granted).to.have.length(1);
    expect(masters[0]!.sessions).to.equal(2);
    a.release();
    b.release();
    expect(masters[0]!.sessions).to.equal(0);
  });
});
