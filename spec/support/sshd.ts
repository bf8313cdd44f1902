import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeConnections, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { eventually, livingProcesses, MARKER_NAME, readProcFile, type ProcInfo } from './processes.js';

const fixtures = resolve(__dirname, '../fixtures/sshd');

/** A throwaway OpenSSH server on 127.0.0.1 and what rxproc needs to reach it. */
export interface TestSshd {
  /** `{ host, configFile }` for the `host` option. */
  readonly host: RemoteHost & { readonly configFile: string };
  readonly port: number;
  readonly user: string;
  readonly uid: number;
  readonly sshdPid: number;
  readonly dir: string;
}

const running = new Map<string, TestSshd>();

/** This run's own state folder, made on first use (one sshd per mocha process, for all its remote specs). */
let runDir: string | undefined;

/**
 * A fresh state folder for a test sshd of this run, `rxproc-sshd-<pid>-<label>XXXXXX` under the temp
 * folder: nothing of another run (folder, port, client key) is shared, so two runs on one machine do not
 * break each other.
 */
export function newSshdDir(label = ''): string {
  return mkdtempSync(join(tmpdir(), `rxproc-sshd-${process.pid}-${label}`));
}

function scriptEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RXPROC_SSHD_DIR: dir };
  delete env[MARKER_NAME];
  return env;
}

/**
 * Starts (or finds running) the test sshd in `dir`, by default this run's own folder (see newSshdDir):
 * spec/fixtures/sshd/setup.sh installs openssh-server when it is missing (apt-get), creates the non-root
 * user rxproc-test, keys and configs, and starts sshd on a free port. Needs root. The server must not
 * carry the spec marker: it outlives single tests.
 */
export function startSshd(dir = (runDir ??= newSshdDir())): TestSshd {
  const known = running.get(dir);
  if (known !== undefined) return known;
  let text: string;
  try {
    text = execFileSync('sh', [resolve(fixtures, 'setup.sh')], { env: scriptEnv(dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    teardown(dir); // what a failed setup left: its folder, its key line
    if (dir === runDir) runDir = undefined;
    throw error;
  }
  const values = Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  const user = values.SSH_USER!;
  const sshd: TestSshd = {
    host: { host: values.SSH_HOST!, configFile: values.SSH_CONFIG! },
    port: Number(values.SSH_PORT),
    user,
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()),
    sshdPid: Number(values.SSHD_PID),
    dir,
  };
  if (running.size === 0) process.once('exit', stopAllSshd); // a run that ends without the last hook
  running.set(dir, sshd);
  return sshd;
}

function teardown(dir: string): void {
  execFileSync('sh', [resolve(fixtures, 'teardown.sh')], { env: scriptEnv(dir), stdio: 'ignore' });
}

/**
 * Stops the test sshd in `dir` (by default this run's own) and what it started: its sessions, their
 * processes (also those that escaped them), leftover masters of its folder; removes its client key from
 * the test user's authorized_keys, and its folder. Other runs' servers and processes are left alone.
 */
export function stopSshd(dir = runDir): void {
  if (dir === undefined) return;
  teardown(dir);
  running.delete(dir);
  if (dir === runDir) runDir = undefined;
  if (running.size === 0) process.removeListener('exit', stopAllSshd);
}

/** Stops every test sshd this run started (the suite's last hook). */
export function stopAllSshd(): void {
  for (const dir of [...running.keys()]) stopSshd(dir);
}

/**
 * The port of the sshd whose session a process belongs to: sshd gives each session's processes
 * SSH_CONNECTION="<client> <client port> <server address> <server port>", and they inherit it.
 */
function sessionPort(pid: number): number | undefined {
  const match = /(?:^|\0)SSH_CONNECTION=\S+ \d+ 127\.0\.0\.1 (\d+)(?:\0|$)/.exec(readProcFile(pid, 'environ') ?? '');
  return match === null ? undefined : Number(match[1]);
}

/**
 * Living processes of `uid` that belong to a session of this run's test sshds (the remote side of our
 * processes, also those that escaped their session), not sshd's own. Another run's are not counted.
 */
export function remoteProcesses(uid: number): ProcInfo[] {
  const ports = new Set([...running.values()].map((sshd) => sshd.port));
  const ownedBy = (pid: number): boolean => Number(/^Uid:\s+(\d+)/m.exec(readProcFile(pid, 'status') ?? '')?.[1]) === uid;
  const ours = (pid: number): boolean => ownedBy(pid) && ports.has(sessionPort(pid) ?? -1);
  return livingProcesses(ours).filter((info) => !info.cmdline.startsWith('sshd:'));
}

/**
 * For a describe block of remote specs: this run's sshd, started before its first test (or the block is
 * refused unless RXPROC_SKIP_REMOTE=1 says to skip it), and after each test the shared connections closed
 * and no remote process of this run left (what rxproc's wrapper leaves behind is not seen by the spec
 * marker; see remoteProcesses).
 */
export function useSshd(): () => TestSshd {
  let sshd: TestSshd | undefined;
  before(function (this: Mocha.Context) {
    this.timeout(240_000);
    if (process.env.RXPROC_SKIP_REMOTE === '1') return this.skip();
    if (process.getuid?.() !== 0) throw new Error('the remote specs start an sshd and need root (or RXPROC_SKIP_REMOTE=1 to skip them)');
    sshd = startSshd();
  });
  afterEach(async function (this: Mocha.Context) {
    this.timeout(15_000);
    if (sshd === undefined) return;
    await closeConnections();
    const { uid } = sshd;
    if (await eventually(() => remoteProcesses(uid).length === 0, 5000)) return;
    const left = remoteProcesses(uid);
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    throw new Error(`remote processes left behind by this test: ${JSON.stringify(left)}`);
  });
  return () => sshd!;
}

/** Both wrappers, on a shared and on an own connection: what a remote guarantee is proven under. */
export const WRAPPER_CASES = [
  ['perl wrapper, shared connection', {}],
  ['perl wrapper, own connection', { multiplex: false }],
  ['sh wrapper, shared connection', { wrapper: 'sh' }],
  ['sh wrapper, own connection', { wrapper: 'sh', multiplex: false }],
] as const;
