import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process a spec starts inherits this variable (rxproc merges `env` over `process.env`), so what a
 * test left behind can be found by scanning /proc, grandchildren and escaped descendants included.
 */
export const MARKER_NAME = 'RXPROC_SPEC_RUN';
export const MARKER = `${process.pid}-${Date.now()}`;
process.env[MARKER_NAME] = MARKER;

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
  readonly cmdline: string;
}

/** Reads /proc/PID/stat, or `undefined` when the process is gone. */
export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), cmdline };
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a living process (a zombie is dead: it only waits to be reaped). */
export function isAlive(pid: number): boolean {
  const info = procInfo(pid);
  return info !== undefined && info.state !== 'Z';
}

/** A file of /proc/PID as text, or `undefined` when the process is gone (or the file is not readable). */
export function readProcFile(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined;
  }
}

/** Living processes other than the test process itself, those `keep` accepts (checked first: it is cheaper). */
export function livingProcesses(keep: (pid: number) => boolean = () => true): ProcInfo[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid && keep(pid))
    .map(procInfo)
    .filter((info): info is ProcInfo => info !== undefined && info.state !== 'Z');
}

/** Living processes carrying this run's marker, other than the test process itself. */
export function markedProcesses(): ProcInfo[] {
  return livingProcesses((pid) => readProcFile(pid, 'environ')?.includes(`${MARKER_NAME}=${MARKER}`) === true);
}

/** Zombies whose parent is the test process: children Node failed to reap. */
export function ownZombies(): ProcInfo[] {
  return readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid))
    .map(procInfo)
    .filter((info): info is ProcInfo => info !== undefined && info.ppid === process.pid && info.state === 'Z');
}

/** Open file descriptors of the test process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Polls `check` until it returns true or `timeoutMs` passes; resolves to the last result. */
export async function eventually(check: () => boolean, timeoutMs = 3000, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
