// Client side of the rxproc-over-ssh prototype: builds the remote command (bootstrap + inline wrapper),
// the ssh argv, and strips the wrapper's markers from the stderr stream. Plain Node, no dependencies.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const here = (f) => new URL(f, import.meta.url);

/** Drops comment lines and indentation: the wrappers travel with every command. */
function minify(src) {
  return src
    .split('\n')
    .map((l) => l.replace(/^\s+/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n') + '\n';
}
export const WRAPPER_PL = minify(readFileSync(here('./wrapper.pl'), 'utf8'));
export const WRAPPER_SH = minify(readFileSync(here('./wrapper.sh'), 'utf8'));

/** POSIX single quotes: 'a'\''b'. Valid for sh/dash/bash/ksh/zsh/busybox; NOT for fish/tcsh (see bootstrap). */
export function posixQuote(s) {
  if (s.includes('\0')) throw new TypeError('argument contains a NUL byte');
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

// Bytes that may stand for themselves in the bootstrap: printable ASCII except those that mean something
// inside a login shell's single quotes (' everywhere, \ in fish, ! and newline in tcsh), inside sh's
// double quotes ($ ` " \) or in a printf format (% \). Everything else becomes a 3-digit octal escape.
const SAFE = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) SAFE[c] = 1;
for (const ch of `'"$\`\\!%`) SAFE[ch.charCodeAt(0)] = 0;

/** Encodes bytes for `printf "<here>"` (POSIX printf: only \ddd octal escapes; dash has no \x). */
export function printfEscape(buf) {
  let out = '';
  for (const b of buf) out += SAFE[b] ? String.fromCharCode(b) : '\\' + b.toString(8).padStart(3, '0');
  return out;
}

export const newNonce = () => 'rx' + randomBytes(16).toString('hex');

const SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2']);

/**
 * The one string given to ssh as the remote command. Shape (stage 0, the login shell parses it):
 *   exec /bin/sh -c 'eval "$(printf "<octal-escaped stage 1>")"'
 * Stage 1 is a POSIX sh script: optional cd/env, then `exec perl -e <wrapper.pl> ...` when perl is there
 * (interpreter 'auto' or 'perl'), else `exec /bin/sh -c <wrapper.sh> ...` ('auto' or 'sh').
 */
export function buildRemoteCommand({
  argv,
  killSignal = 'SIGTERM',
  killTimeout = 5000,
  drainTimeout = 1000,
  nonce = newNonce(),
  interpreter = 'auto',
  remoteShell = '/bin/sh',
  cwd,
  env,
}) {
  if (!Array.isArray(argv) || argv.length === 0) throw new TypeError('argv must be a non-empty array');
  if (!SIGNALS.has(killSignal)) throw new TypeError(`unsupported killSignal ${killSignal}`);
  if (!/^rx[0-9a-f]{32}$/.test(nonce)) throw new TypeError('bad nonce');
  const grace = Number.isFinite(killTimeout) ? Math.max(0, Math.round(killTimeout)) : 2 ** 31 - 1;
  const drain = Number.isFinite(drainTimeout) ? Math.max(0, Math.round(drainTimeout)) : 2 ** 31 - 1;
  const q = posixQuote;
  const wargs = [killSignal, String(grace), String(drain), nonce, '--', ...argv].map(q).join(' ');
  const fail = (what) => `printf '\\036%s error ${what}\\n' ${q(nonce)} >&2; exit 126`;
  const lines = [];
  if (cwd !== undefined) lines.push(`cd -- ${q(cwd)} || { ${fail('cwd FAILED')}; }`);
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`bad env name ${k}`);
    lines.push(v === undefined ? `unset ${k}` : `${k}=${q(v)}; export ${k}`);
  }
  const perl = `exec perl -e ${q(WRAPPER_PL)} -- ${wargs}`;
  if (!/^\/[A-Za-z0-9_.\/-]+$/.test(remoteShell)) throw new TypeError('bad remoteShell');
  const sh = `exec ${remoteShell} -c ${q(WRAPPER_SH)} rxproc-wrap ${wargs}`;
  if (interpreter === 'auto') lines.push(`if command -v perl >/dev/null 2>&1; then ${perl}; fi`, sh);
  else if (interpreter === 'perl') lines.push(`command -v perl >/dev/null 2>&1 || { ${fail('wrapper NOPERL')}; }`, perl);
  else if (interpreter === 'sh') lines.push(sh);
  else throw new TypeError(`interpreter must be auto, perl or sh`);
  const stage1 = lines.join('\n') + '\n';
  return { nonce, stage1, command: `exec ${remoteShell} -c 'eval "$(printf "${printfEscape(Buffer.from(stage1))}")"'` };
}

/** Options every run should have; the ControlMaster ones are added by the caller. */
export const BASE_SSH_OPTIONS = [
  '-T', // no pty: a pty would merge stderr into stdout and mangle binary data
  '-x', '-a', // no X11 / agent forwarding
  '-e', 'none', // no escape character: stdin is binary-transparent (~. is data)
  '-o', 'BatchMode=yes', // never prompt (passwords, passphrases, host keys)
  '-o', 'ConnectTimeout=10',
  '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3', // notice a dead peer (no FIN) in ~45 s
];

/** The full local argv: ssh [options] -- host <remote command>. */
export function sshArgv({ ssh = 'ssh', configFile, options = [], host, command }) {
  const a = [ssh];
  if (configFile) a.push('-F', configFile);
  a.push(...BASE_SSH_OPTIONS, ...options, '--', host, command);
  return a;
}

/**
 * Streaming marker stripper for the remote stderr. A marker is exactly
 *   0x1E NONCE 0x20 WORD (0x20 WORD)* 0x0A     (one write by the wrapper, never split by other writers)
 * Anything else is data. Only a chunk ending in a proper prefix of 0x1E NONCE 0x20 is held back (until
 * the next chunk or the end), so ordinary text (ending in "\n") is passed on at once.
 */
export class MarkerParser {
  constructor(nonce, { onData, onMarker }) {
    this.tag = Buffer.from('\x1e' + nonce + ' ', 'latin1');
    this.buf = Buffer.alloc(0);
    this.onData = onData;
    this.onMarker = onMarker;
  }
  push(chunk) {
    let buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const i = buf.indexOf(this.tag);
      if (i < 0) break;
      const end = buf.indexOf(0x0a, i + this.tag.length);
      if (end < 0) {
        if (i > 0) this.onData(buf.subarray(0, i));
        this.buf = Buffer.from(buf.subarray(i));
        return;
      }
      if (i > 0) this.onData(buf.subarray(0, i));
      this.onMarker(buf.subarray(i + this.tag.length, end).toString('latin1').split(' '));
      buf = buf.subarray(end + 1);
    }
    let hold = 0;
    for (let k = Math.min(this.tag.length - 1, buf.length); k > 0; k--) {
      if (buf.subarray(buf.length - k).equals(this.tag.subarray(0, k))) { hold = k; break; }
    }
    if (buf.length > hold) this.onData(buf.subarray(0, buf.length - hold));
    this.buf = Buffer.from(buf.subarray(buf.length - hold));
  }
  end() {
    if (this.buf.length) this.onData(this.buf);
    this.buf = Buffer.alloc(0);
  }
}

/**
 * Runs argv on host through ssh + wrapper. Returns { child, nonce, result }, result resolving to
 * { outcome, pid, wrapper, exitCode, signal, error, sshCode, sshSignal, stdout, stderr, preamble, markers, ms }.
 *   outcome: 'exit' | 'signal' | 'spawn-error' (error marker) | 'connection-failed' (no spawn marker)
 *            | 'connection-lost' (spawn seen, no end marker: ssh died or was killed)
 * stdin: undefined (immediate EOF), a Buffer/string, or 'pipe' (caller writes child.stdin).
 */
export function runRemote({ sshOptions = {}, argv, stdin, onStdout, onStderr, onSpawn, collect = true, ...wrap }) {
  const { nonce, command } = buildRemoteCommand({ argv, ...wrap });
  const full = sshArgv({ ...sshOptions, command });
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = [], err = [], pre = [], markers = [];
  let pid = null, wrapper = null, exitCode = null, signal = null, error = null;
  const parser = new MarkerParser(nonce, {
    onData: (b) => {
      if (pid === null && error === null) pre.push(Buffer.from(b));
      else { if (collect) err.push(Buffer.from(b)); onStderr?.(b); }
    },
    onMarker: (words) => {
      markers.push(words.join(' '));
      if (words[0] === 'spawn') { pid = Number(words[1]); wrapper = words[2]; onSpawn?.(pid); }
      else if (words[0] === 'exit') exitCode = Number(words[1]);
      else if (words[0] === 'signal') signal = words[1];
      else if (words[0] === 'error') error = words.slice(1).join(' ');
    },
  });
  child.stdout.on('data', (b) => { if (collect) out.push(b); onStdout?.(b); });
  child.stderr.on('data', (b) => parser.push(b));
  child.stdin.on('error', () => {}); // EPIPE when the remote stops reading
  if (stdin === undefined) child.stdin.end();
  else if (stdin !== 'pipe') child.stdin.end(stdin);
  const result = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (sshCode, sshSignal) => {
      parser.end();
      const outcome = error !== null ? 'spawn-error'
        : exitCode !== null ? 'exit' : signal !== null ? 'signal'
        : pid === null ? 'connection-failed' : 'connection-lost';
      resolve({
        outcome, pid, wrapper, exitCode, signal, error, sshCode, sshSignal, markers,
        stdout: Buffer.concat(out), stderr: Buffer.concat(err), preamble: Buffer.concat(pre),
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
      });
    });
  });
  return { child, nonce, command, argv: full, result };
}
