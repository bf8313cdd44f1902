import { createConnection } from 'node:net';
import type { ControlErrorCode, ControlRequest } from './protocol.js';

/** No run listens in the folder (exit code 3). */
export class NoRunError extends Error {
  override name = 'NoRunError';
}

/** The run refused the request (exit code 1): `code` says why. */
export class RefusedError extends Error {
  override name = 'RefusedError';
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An answer line from the run. */
export type ControlAnswer = Record<string, unknown> & { readonly ok?: boolean };

/**
 * Sends one request to the run listening at `path` and resolves with its last answer (`ok: true`); the
 * answers before it (followed log entries) go to `onAnswer`. No run there: `NoRunError` (a socket left by a
 * run that died is said so: it blocks nothing, the next run replaces it). A refusal: `RefusedError`.
 */
export function controlRequest(
  path: string,
  request: ControlRequest,
  what: string,
  onAnswer: (answer: ControlAnswer) => void = () => undefined,
): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let rest = '';
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      socket.end();
      fn();
    };
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: Buffer) => {
      rest += chunk.toString();
      let end: number;
      while ((end = rest.indexOf('\n')) !== -1 && !settled) {
        const answer = JSON.parse(rest.slice(0, end)) as ControlAnswer;
        rest = rest.slice(end + 1);
        if (answer.ok === true) settle(() => resolve(answer));
        else if (answer.ok === false) settle(() => reject(new RefusedError(answer.error as ControlErrorCode, String(answer.message))));
        else onAnswer(answer);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT'
          ? `no rxproc run in ${what}`
          : error.code === 'ECONNREFUSED'
            ? `no rxproc run in ${what} (the last one ended without removing its control socket; the next run replaces it)`
            : `cannot reach the rxproc run in ${what}: ${error.message}`;
      settle(() => reject(new NoRunError(why)));
    });
    socket.on('close', () => settle(() => reject(new RefusedError('stopping', `the rxproc run in ${what} ended before answering`))));
  });
}
