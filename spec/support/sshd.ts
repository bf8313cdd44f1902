import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { closeConnections, type RemoteHost } from '../../src/index.js';
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

/**
 * Starts (or finds running) the test sshd in `dir`: spec/fixtures/sshd/setup.sh installs openssh-server
 * when it is missing (apt-get), creates the non-root user rxproc-test, keys and configs, and starts sshd
 * on a free port. Needs root. The server must not carry the spec marker: it outlives single tests.
 */
export function startSshd(dir = '/tmp/rxproc-sshd'): TestSshd {
  const known = running.get(dir);
  if (known !== undefined) return known;
  const env: NodeJS.ProcessEnv = { ...process.env, RXPROC_SSHD_DIR: dir };
  delete env[MARKER_NAME];
  const text = execFileSync('sh', [resolve(fixtures, 'setup.sh')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const values = Object.fromEntries(text.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const user = values.SSH_USER!;
  const sshd: TestSshd = {
    host: { host: values.SSH_HOST!, configFile: values.SSH_CONFIG! },
    port: Number(values.SSH_PORT),
    user,
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()),
    sshdPid: Number(values.SSHD_PID),
    dir,
  };
  running.set(dir, sshd);
  return sshd;
}

/** Stops a test sshd, its sessions and everything the test user runs. */
export function stopSshd(dir = '/tmp/rxproc-sshd'): void {
  const env: NodeJS.ProcessEnv = { ...process.env, RXPROC_SSHD_DIR: dir };
  delete env[MARKER_NAME];
  execFileSync('sh', [resolve(fixtures, 'teardown.sh')], { env, stdio: 'ignore' });
  running.delete(dir);
}

/** Stops every test sshd this run started (the suite's last hook). */
export function stopAllSshd(): void {
  for (const dir of [...running.keys()]) stopSshd(dir);
}

/** Living processes of `uid` that are not sshd's own (the remote side of our processes). */
export function remoteProcesses(uid: number): ProcInfo[] {
  const ownedBy = (pid: number): boolean => Number(/^Uid:\s+(\d+)/m.exec(readProcFile(pid, 'status') ?? '')?.[1]) === uid;
  return livingProcesses(ownedBy).filter((info) => !info.cmdline.startsWith('sshd:'));
}

/**
 * For a describe block of remote specs: the sshd, started before its first test (or the block is
 * refused unless RXPROC_SKIP_REMOTE=1 says to skip it), and after each test the shared connections closed
 * and no remote process left (what rxproc's helper leaves behind is not seen by the spec marker).
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
