import { randomBytes } from 'node:crypto';
import type { ResolvedHost } from './resolveHost.js';
import { WRAPPER_PERL, WRAPPER_SH } from './wrappers.js';


/** sshd passes the command to `sh -c` as one argument: Linux refuses a longer one (MAX_ARG_STRLEN). */
export const MAX_REMOTE_COMMAND = 128 * 1024 - 1;

/** POSIX single quotes: `it's` → `'it'\''s'`. Only ever read by /bin/sh, never by the login shell. */
export function posixQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

// Bytes that may stand for themselves inside `'…"$(printf "<here>")"…'` under any login shell: printable
// ASCII but the quotes, `$`, backquote and backslash, `!` (tcsh) and `%` (printf). The rest: octal escapes,
// the only kind POSIX printf (and dash) decodes.
const SAFE = new Uint8Array(256);
for (let byte = 0x20; byte < 0x7f; byte++) SAFE[byte] = 1;
for (const ch of `'"$\`\\!%`) SAFE[ch.charCodeAt(0)] = 0;

export function printfEscape(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += SAFE[byte] === 1 ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  return out;
}

/** What the remote side needs to run one process. */
export interface RemoteRunPlan {
  readonly argv: readonly string[];
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly killSignal: NodeJS.Signals;
  readonly killTimeout: number;
  readonly drainTimeout: number;
}

/** A fresh 128-bit tag for one run's markers: the command's output cannot match it by chance. */
export const newNonce = (): string => `rx${randomBytes(16).toString('hex')}`;

/**
 * The one string ssh hands to the remote login shell, whatever shell that is (sh, bash, zsh, tcsh, fish):
 *   exec /bin/sh -c 'eval "$(printf "<stage 1, octal-escaped>")"'
 * Stage 1 is POSIX sh: the cwd and env, then the Perl helper (or the sh one) with the quoted argv. The
 * helper runs the command in its own process group, reports spawn and exit as markers on stderr, and
 * kills the group when the connection goes away. Returns `undefined` when it would be too long.
 */
export function remoteCommand(plan: RemoteRunPlan, host: ResolvedHost, nonce: string): string | undefined {
  const ms = (value: number): string => String(Number.isFinite(value) ? Math.round(value) : 2 ** 31 - 1);
  const helperArgs = [plan.killSignal, ms(plan.killTimeout), ms(plan.drainTimeout), nonce, '--', ...plan.argv].map(posixQuote).join(' ');
  const fail = (what: string): string => `{ printf '\\036%s error ${what}\\n' ${nonce} >&2; exit 126; }`;
  const lines: string[] = [];
  if (plan.cwd !== undefined) lines.push(`cd -- ${posixQuote(plan.cwd)} 2>/dev/null || ${fail('cwd FAILED')}`);
  for (const [name, value] of Object.entries(plan.env ?? {})) {
    lines.push(value === undefined ? `unset ${name}` : `${name}=${posixQuote(value)}; export ${name}`);
  }
  const perl = `exec perl -e ${posixQuote(WRAPPER_PERL)} -- ${helperArgs}`;
  const sh = `exec /bin/sh -c ${posixQuote(WRAPPER_SH)} rxproc-wrap ${helperArgs}`;
  if (host.wrapper === 'auto') lines.push(`if command -v perl >/dev/null 2>&1; then ${perl}; fi`, sh);
  else if (host.wrapper === 'perl') lines.push(`command -v perl >/dev/null 2>&1 || ${fail('wrapper NOPERL')}`, perl);
  else lines.push(sh);
  const stage1 = Buffer.from(`${lines.join('\n')}\n`);
  const command = `exec /bin/sh -c 'eval "$(printf "${printfEscape(stage1)}")"'`;
  return Buffer.byteLength(command) > MAX_REMOTE_COMMAND ? undefined : command;
}
