const SAFE = /^[\w@%+=:,./-]+$/;

/** POSIX single quotes, always: `it's` → `'it'\''s'` (what a shell command built by rxproc uses). */
export function posixQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Quotes one word only where a POSIX shell would need it, so messages can be copied into a terminal. */
export function quoteArg(arg: string): string {
  return arg !== '' && SAFE.test(arg) ? arg : posixQuote(arg);
}

/** `command` and `args` as one copy-pasteable line, shortened to `max` characters for messages. */
export function formatCommand(command: string, args: readonly string[], max = 300): string {
  const line = [command, ...args].map((word) => quoteArg(word.replace(/\0/g, '\\0'))).join(' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
