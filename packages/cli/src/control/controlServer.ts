import { chmodSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { claimSocket } from './claimSocket.js';
import { parseLine, parseRequest } from './parseRequest.js';
import { ControlError, type ControlRequest } from './protocol.js';

/** A request line longer than this is refused (requests are a few names). */
const MAX_REQUEST = 64 * 1024;

/** How the handler answers one request. */
export interface ControlReply {
  /** An answer line that is not the last (a followed log entry). */
  send(answer: Record<string, unknown>): void;
  /** The last answer: `ok: true` and these fields. */
  done(answer?: Record<string, unknown>): void;
  /** The client went away, or the run is closing the socket: stop sending. */
  onClose(listener: () => void): void;
}

/** Serves one request; a thrown `ControlError` is the request's failure answer. */
export type ControlHandler = (request: ControlRequest, reply: ControlReply) => void | Promise<void>;

/**
 * The run's control socket: listens at `path` (see controlSocketPath), only for this user (mode 0600 in a
 * folder only this user may enter), replacing a stale socket and refusing to start beside a live run
 * (claimSocket). Each request line is parsed and given to `handler`.
 */
export class ControlServer {
  private readonly sockets = new Set<Socket>();
  private readonly closing = new Set<() => void>();
  private ino = -1;

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  static async listen(path: string, what: string, handler: ControlHandler): Promise<ControlServer> {
    const listening = `${path}.${process.pid}.new`;
    try {
      unlinkSync(listening);
    } catch {
      // none left by an earlier run of this pid
    }
    // Half-open: a client that has sent its requests and closed its side still gets its answers.
    const server = createServer({ allowHalfOpen: true });
    const control = new ControlServer(server, path);
    server.on('connection', (socket) => control.serve(socket, handler));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listening, () => resolve());
    });
    chmodSync(listening, 0o600);
    try {
      await claimSocket(listening, path, what);
    } catch (error) {
      server.close();
      throw error;
    }
    control.ino = statSync(path).ino;
    // Even an exit that skips close() (a fatal error) leaves no socket behind.
    process.on('exit', control.unlink);
    return control;
  }

  /** Ends every connection (followers get their last answer first) and removes the socket. */
  async close(): Promise<void> {
    this.unlink();
    process.off('exit', this.unlink);
    this.server.close();
    for (const listener of [...this.closing]) listener();
    // Answers already written reach their clients before the run exits (a client that reads nothing is not waited for long).
    await Promise.all(
      [...this.sockets].map(
        (socket) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => (socket.destroy(), resolve()), 2000);
            socket.end(() => (clearTimeout(timer), resolve()));
          }),
      ),
    );
  }

  /** Removes the socket, if it is still ours. */
  private readonly unlink = (): void => {
    try {
      if (statSync(this.path).ino === this.ino) unlinkSync(this.path);
    } catch {
      // already gone
    }
  };

  private serve(socket: Socket, handler: ControlHandler): void {
    this.sockets.add(socket);
    const connection: Connection = { socket, closeListeners: new Set(), pending: 0, ended: false };
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const listener of connection.closeListeners) {
        this.closing.delete(listener);
        listener();
      }
      connection.closeListeners.clear();
    });
    socket.on('error', () => socket.destroy());
    // The client has sent all it will: our side ends once its last request is answered.
    socket.on('end', () => {
      connection.ended = true;
      if (connection.pending === 0) socket.end();
    });
    let rest = '';
    socket.on('data', (chunk: Buffer) => {
      rest += chunk.toString();
      let end: number;
      while ((end = rest.indexOf('\n')) !== -1) {
        const line = rest.slice(0, end);
        rest = rest.slice(end + 1);
        if (line.trim() !== '') this.answer(connection, line, handler);
      }
      if (rest.length > MAX_REQUEST) {
        socket.end(`${JSON.stringify({ ok: false, error: 'bad-request', message: 'request line too long' })}\n`);
        rest = '';
      }
    });
  }

  private answer(connection: Connection, line: string, handler: ControlHandler): void {
    const { socket } = connection;
    let id: unknown;
    let finished = false;
    connection.pending++;
    const write = (answer: Record<string, unknown>): void => {
      if (finished || socket.destroyed || socket.writableEnded) return;
      socket.write(`${JSON.stringify(id === undefined ? answer : { id, ...answer })}\n`);
    };
    const finish = (answer: Record<string, unknown>): void => {
      write(answer);
      if (finished) return;
      finished = true;
      if (--connection.pending === 0 && connection.ended) socket.end();
    };
    const fail = (error: unknown): void => {
      const failure = error instanceof ControlError ? { error: error.code, message: error.message } : { error: 'bad-request', message: String(error) };
      finish({ ok: false, ...failure });
    };
    const reply: ControlReply = {
      send: write,
      done: (answer = {}) => finish({ ok: true, ...answer }),
      onClose: (listener) => {
        connection.closeListeners.add(listener);
        this.closing.add(listener);
      },
    };
    try {
      const value = parseLine(line);
      // Even a request refused below is answered with its id.
      if (typeof value === 'object' && value !== null) id = (value as { id?: unknown }).id;
      void Promise.resolve(handler(parseRequest(value), reply)).catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}

/** One client's connection: its requests not yet answered, and whether it has closed its side. */
interface Connection {
  readonly socket: Socket;
  readonly closeListeners: Set<() => void>;
  pending: number;
  ended: boolean;
}
