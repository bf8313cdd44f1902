import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventually } from './processes.js';

/**
 * Cgroups for the specs of the cgroup watchdog, reaper and leftovers: every test works inside a folder of
 * its own, `<own cgroup>/rxproc-spec-<pid>-<n>` (a name no rxproc cleanup matches), removed after it.
 */

/** The cgroup2 mount point from /proc/self/mountinfo (octal escapes decoded), or undefined. */
export function cgroup2Mount(): string | undefined {
  for (const line of readText('/proc/self/mountinfo').split('\n')) {
    const [mounted, fs] = line.split(' - ');
    if (fs?.split(' ')[0] !== 'cgroup2') continue;
    return mounted!.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)));
  }
  return undefined;
}

/** This process's own cgroup folder: the mount, then the `0::` line of /proc/self/cgroup. */
export function ownCgroup(): string | undefined {
  const mount = cgroup2Mount();
  const line = readText('/proc/self/cgroup')
    .split('\n')
    .find((l) => l.startsWith('0::'));
  if (mount === undefined || line === undefined) return undefined;
  const path = line.slice(3);
  return path === '/' ? mount : `${mount}${path}`;
}

/** A file's text, or '' where there is none (no /proc: not Linux). */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

let count = 0;

/** Makes a fresh spec folder (a cgroup) under the own cgroup; undefined when not root or not writable. */
export function makeSpecParent(): string | undefined {
  const own = process.getuid?.() === 0 ? ownCgroup() : undefined;
  if (own === undefined) return undefined;
  const path = `${own}/rxproc-spec-${process.pid}-${++count}`;
  try {
    mkdirSync(path);
  } catch {
    return undefined;
  }
  if (existsSync(`${path}/cgroup.procs`)) return path;
  removeTree(path);
  return undefined;
}

/** Ends every process in a spec folder's cgroups (`cgroup.kill`) and removes them, deepest first. */
export async function removeSpecParent(path: string): Promise<void> {
  if (!existsSync(path)) return;
  try {
    writeFileSync(`${path}/cgroup.kill`, '1');
  } catch {
    // no cgroup.kill (before Linux 5.14): the hooks kill what a test left
  }
  await eventually(() => !populated(path), 10000);
  removeTree(path);
}

/** Deepest first; a folder that went meanwhile (the watchdog or the reaper removing it too) is fine. */
function removeTree(path: string): void {
  try {
    for (const entry of readdirSync(path, { withFileTypes: true })) if (entry.isDirectory()) removeTree(`${path}/${entry.name}`);
    rmdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Whether a cgroup has a process in it or below (`cgroup.events`); a cgroup that is gone has none. */
export function populated(cgroup: string): boolean {
  try {
    return readFileSync(`${cgroup}/cgroup.events`, 'utf8').includes('populated 1');
  } catch {
    return false;
  }
}

/** The pids in a cgroup's `cgroup.procs` (none when it is gone). */
export function procsOf(cgroup: string): number[] {
  try {
    return readFileSync(`${cgroup}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts a process in `cgroup` (made if missing) that escapes into its own session (`setsid`): `sleep 600`,
 * or with `ignoreTerm` a shell and its `sleep` that both ignore SIGTERM. Resolves once all are in.
 */
export async function startEscapee(cgroup: string, ignoreTerm = false): Promise<ChildProcess> {
  mkdirSync(cgroup, { recursive: true });
  const body = ignoreTerm ? `sh -c 'trap "" TERM; sleep 600 & wait'` : 'sleep 600';
  // Not detached: sh is no group leader, so setsid calls setsid() itself instead of forking.
  const child = spawn('sh', ['-c', `echo $$ >"$1/cgroup.procs" && exec setsid ${body}`, 'escapee', cgroup], { stdio: 'ignore' });
  if (!(await eventually(() => procsOf(cgroup).length === (ignoreTerm ? 2 : 1), 10000))) throw new Error(`the escapee did not start in ${cgroup}`);
  return child;
}

/** What the host fixture (spec/fixtures/cgroupHost.ts) printed once ready. */
export interface CgroupHostReady {
  readonly runs: string[];
  readonly pids: number[];
  readonly watchdog?: number;
}

/** Starts the host fixture from the sources (ts-node, transpile only) and waits for its ready line. */
export async function startCgroupHost(options: {
  mode: 'watchdog' | 'release' | 'reaper';
  parent: string;
  killTimeout: number | 'Infinity';
  ignoreTerm?: boolean;
}): Promise<{ host: ChildProcess; ready: CgroupHostReady }> {
  const root = resolve(__dirname, '../..');
  const fixture = resolve(root, 'spec/fixtures/cgroupHost.ts');
  const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', RXPROC_CGROUP_HOST: JSON.stringify(options) };
  const host = spawn(process.execPath, ['-r', 'ts-node/register', '-e', `require(${JSON.stringify(fixture)})`], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const ready = await new Promise<CgroupHostReady>((done, fail) => {
    host.once('error', fail);
    host.once('exit', (code, signal) => fail(new Error(`the host fixture ended first (${String(code ?? signal)})`)));
    host.stdout.once('data', (data: Buffer) => done(JSON.parse(data.toString()) as CgroupHostReady));
  });
  return { host, ready };
}

/** For a describe block: a spec parent cgroup of its own for each test (the test skipped where none can be made), removed after it. */
export function useSpecParent(): () => string {
  let parent = '';
  beforeEach(function () {
    parent = makeSpecParent() ?? '';
    if (parent === '') this.skip();
  });
  afterEach(async () => {
    if (parent !== '') await removeSpecParent(parent);
  });
  return () => parent;
}
