import { randomBytes } from 'node:crypto';
import { posixQuote } from '../../../errors/formatCommand.js';
import { MAX_TIMER_MS } from '../../options/checks.js';
import type { ResolvedHost } from '../../options/resolveHost.js';
import { WRAPPER_PERL, WRAPPER_SH } from './wrappers.js';

/**
 * The most bytes argv, env and cwd may add up to (Linux's limit for one argument, MAX_ARG_STRLEN, which the
 * whole command had when it travelled in ssh's command line). Checked before anything is escaped.
 */
export const MAX_REMOTE_COMMAND = 128 * 1024 - 1;

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
  /** A fresh {@link newControlId} when the run may be stopped with its output still read (see remoteStop). */
  readonly control?: string;
}

/** A fresh 128-bit tag for one run's markers: the command's output cannot match it by chance. */
export const newNonce = (): string => `rx${randomBytes(16).toString('hex')}`;

/** A fresh 64-bit id that names one run's wrapper to a stop request (not a secret: it only tells pids apart). */
export const newControlId = (): string => randomBytes(8).toString('hex');

/** The bytes of what the command is made of (argv, env, cwd): checked before anything is escaped. */
export function planBytes(plan: Pick<RemoteRunPlan, 'argv' | 'cwd' | 'env'>): number {
  let bytes = plan.cwd === undefined ? 0 : Buffer.byteLength(plan.cwd);
  for (const arg of plan.argv) bytes += Buffer.byteLength(arg) + 1;
  for (const [name, value] of Object.entries(plan.env ?? {})) bytes += Buffer.byteLength(name) + (value === undefined ? 0 : Buffer.byteLength(value)) + 2;
  return bytes;
}

/** One preamble line: `\`, `%` and LF as `\ooo` (read back by `read -r` + printf in sh, a regexp in Perl). */
export function lineEscape(text: string): string {
  return text.replace(/[\\%\n]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * The one string ssh hands to the remote login shell, whatever shell that is (sh, bash, zsh, tcsh, fish):
 *   exec /bin/sh -c 'eval "$(printf "<stage 1, octal-escaped>")"'
 * Stage 1 is POSIX sh that starts the Perl wrapper (or the sh one). It holds nothing private and nothing of
 * the command: the same for every run on a host. Everything else comes in the preamble on stdin.
 */
export function remoteBootstrap(host: Pick<ResolvedHost, 'wrapper'>): string {
  const perl = `exec perl -e ${posixQuote(WRAPPER_PERL)}`;
  const sh = `exec /bin/sh -c ${posixQuote(WRAPPER_SH)} rxproc-wrap`;
  // Without Perl, the error marker needs the nonce: the preamble's first line.
  const noPerl = `{ IFS= read -r n; printf '\\036%s error wrapper NOPERL\\n' "$n" >&2; exit 126; }`;
  const lines: string[] = [];
  if (host.wrapper === 'auto') lines.push(`if command -v perl >/dev/null 2>&1; then ${perl}; fi`, sh);
  else if (host.wrapper === 'perl') lines.push(`command -v perl >/dev/null 2>&1 || ${noPerl}`, perl);
  else lines.push(sh);
  return underSh(`${lines.join('\n')}\n`);
}

/** `script` as one string any login shell (sh, bash, zsh, tcsh, fish) hands to /bin/sh unchanged. */
export function underSh(script: string): string {
  return `exec /bin/sh -c 'eval "$(printf "${printfEscape(Buffer.from(script))}")"'`;
}

/**
 * What the wrapper reads from stdin before the command's own bytes, exactly (it is self-delimiting):
 *   <nonce> LF <byte length of the rest> LF <records, one a line> "." LF
 * Records: S signal, G grace ms, D drain ms, K control id (when given), C cwd, E name=value, U name, A argument (each in order), and Z:
 * the same as sh code for the sh wrapper. Values are {@link lineEscape}d. The nonce and the env travel here,
 * never in a command line or an environment the command can read.
 */
export function remotePreamble(plan: RemoteRunPlan, nonce: string): Buffer {
  const ms = (value: number): string => String(Number.isFinite(value) ? Math.round(value) : MAX_TIMER_MS);
  // A relative cwd as ./path: cd never looks it up in CDPATH.
  const cwd = plan.cwd === undefined ? undefined : plan.cwd.startsWith('/') ? plan.cwd : `./${plan.cwd}`;
  const records = [`S${plan.killSignal}`, `G${ms(plan.killTimeout)}`, `D${ms(plan.drainTimeout)}`];
  if (plan.control !== undefined) records.push(`K${plan.control}`);
  const shEnv: string[] = [];
  if (cwd !== undefined) records.push(`C${lineEscape(cwd)}`);
  for (const [name, value] of Object.entries(plan.env ?? {})) {
    records.push(value === undefined ? `U${name}` : `E${name}=${lineEscape(value)}`);
    shEnv.push(value === undefined ? `unset ${name}` : `${name}=${posixQuote(value)}; export ${name}`);
  }
  for (const arg of plan.argv) records.push(`A${lineEscape(arg)}`);
  const sh = [
    cwd === undefined ? '' : `_rxp_c=${posixQuote(cwd)}; `,
    `_rxp_v=${posixQuote(shEnv.join('\n'))}; `,
    plan.control === undefined ? '' : `_rxp_k=${plan.control}; `,
    `set -- ${[plan.killSignal, ms(plan.killTimeout), ms(plan.drainTimeout), '--', ...plan.argv].map(posixQuote).join(' ')}`,
  ].join('');
  records.push(`Z${lineEscape(sh)}`, '.');
  const rest = Buffer.from(`${records.join('\n')}\n`);
  return Buffer.concat([Buffer.from(`${nonce}\n${rest.length}\n`), rest]);
}

/**
 * The bootstrap (ssh's remote command) and the preamble to send first on the session's stdin; `undefined`
 * when argv, env and cwd together exceed {@link MAX_REMOTE_COMMAND} bytes (checked before anything is built).
 */
export function remoteCommand(plan: RemoteRunPlan, host: Pick<ResolvedHost, 'wrapper'>, nonce: string): { command: string; preamble: Buffer } | undefined {
  if (planBytes(plan) > MAX_REMOTE_COMMAND) return undefined;
  return { command: remoteBootstrap(host), preamble: remotePreamble(plan, nonce) };
}
