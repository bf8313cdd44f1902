import { once, tooMany, type Pool, type PoolOwner, type Session, type SessionRequest } from './pool.js';
import type { ResolvedHost } from '../../options/resolveHost.js';

/**
 * Sessions on a host without shared connections (`multiplex: false`): each process opens its own, and at
 * most `maxConnections` run at once. Requests are served in order, each whole.
 */
export class DirectPool implements Pool {
  private readonly waiting: SessionRequest[] = [];
  private inUse = 0;

  constructor(
    private readonly host: ResolvedHost,
    private readonly owner: PoolOwner,
  ) {}

  acquire(request: SessionRequest): () => void {
    const { maxConnections } = this.host;
    if (tooMany(request, maxConnections, `maxConnections = ${maxConnections} (multiplex: false)`)) return () => undefined;
    this.waiting.push(request);
    this.pump();
    return () => {
      const at = this.waiting.indexOf(request);
      if (at >= 0) this.waiting.splice(at, 1);
    };
  }

  /** No shared connection to borrow from: a control command opens its own. */
  borrow(): undefined {
    return undefined;
  }

  readonly hasMasters = false;

  get empty(): boolean {
    return this.waiting.length === 0 && this.inUse === 0;
  }

  /** Own connections are not closed by closeConnections(). */
  closeAll(): Promise<void> {
    return Promise.resolve();
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inUse + this.waiting[0]!.count <= this.host.maxConnections) {
      const request = this.waiting.shift()!;
      this.inUse += request.count;
      const sessions: Session[] = Array.from({ length: request.count }, () => once(undefined, this.released));
      request.grant(sessions);
    }
  }

  private readonly released = (): void => {
    this.inUse--;
    if (this.empty) this.owner.emptied(this);
    else this.pump();
  };
}
