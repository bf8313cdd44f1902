const SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes one word the way a POSIX shell would need it, so messages can be copied into a terminal. */
export function quoteArg(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `command` and `args` as one copy-pasteable line, shortened to `max` characters for messages. */
export function formatCommand(command: string, args: readonly string[], max = 300): string {
  const line = [command, ...args].map((word) => quoteArg(word.replace(/\0/g, '\\0'))).join(' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
