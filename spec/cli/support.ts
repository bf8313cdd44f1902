import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(__dirname, '../../packages/cli/dist/main.js');

/**
 * The runs' control sockets go to a folder of this spec process's own ($XDG_RUNTIME_DIR), removed when it
 * exits: a run a spec SIGKILLs leaves its socket there, not in the machine's /tmp/rxproc-UID.
 */
export const RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'rxproc-runtime-'));
process.on('exit', () => rmSync(RUNTIME_DIR, { recursive: true, force: true }));
const ENV = { NO_COLOR: '1', XDG_RUNTIME_DIR: RUNTIME_DIR };

/** A temp folder holding `rxproc.yaml` with `text`; returns its path. */
export function taskDir(text: string, file = 'rxproc.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'rxproc-cli-'));
  writeFileSync(join(dir, file), text);
  return dir;
}

/** Runs the built bin to the end. */
export function rxproc(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, ...ENV, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON events of a `--json` run. */
export function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Starts the bin in the background with `--json`, collecting its events as they come. */
export function startRxproc(
  args: string[],
  cwd: string,
  /** Called as each record arrives, for what must be looked at that very moment. */
  onRecord: (record: Record<string, unknown>) => void = () => undefined,
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; seen: Array<Record<string, unknown>>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...ENV, ...env } });
  const seen: Array<Record<string, unknown>> = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      if (line === '') continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      seen.push(record);
      onRecord(record);
    }
  });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, seen, exited };
}

/**
 * For a describe block of end-to-end specs: the built bin (built first if it is missing), and `make`, which
 * writes a task file into a folder of its own; the folders are removed after the block.
 */
export function useTaskDirs(): (text: string, file?: string) => string {
  const dirs: string[] = [];
  before(function () {
    this.timeout(120000);
    if (!existsSync(BIN)) execFileSync('npm', ['run', 'build'], { cwd: resolve(__dirname, '../..'), stdio: 'ignore' });
  });
  after(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return (text, file) => {
    const dir = taskDir(text, file);
    dirs.push(dir);
    return dir;
  };
}
