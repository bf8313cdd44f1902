/** Words for a failed connection, as a person reading a probe's message wants them. */
const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (EAI_AGAIN)',
  ETIMEDOUT: 'connection timed out',
};

/** `connection refused`, `host not found`, … or the error's own message for the rest. */
export function describeSocketError(error: NodeJS.ErrnoException): string {
  const words = error.code === undefined ? undefined : WORDS[error.code];
  return words ?? error.message;
}
