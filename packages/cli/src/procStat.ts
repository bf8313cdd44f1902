import { endianness } from 'node:os';
import { readFileSync } from 'node:fs';

/** What the usage meter needs of one process, from /proc/PID/stat. Times are in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  /** The state letter: `Z` for a zombie (exited, not yet reaped: its times are still its own). */
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  /** utime + stime: the CPU time of the process itself (all its threads). */
  readonly ownTicks: number;
  /** cutime + cstime: the CPU time of its children it has waited for (and of theirs). */
  readonly childTicks: number;
  /** Field 22, ticks after boot: with the pid, who the process is (a reused pid has a later start). */
  readonly startTime: string;
  /** Resident set size in pages (0 for a zombie). */
  readonly rssPages: number;
}

/**
 * Parses the text of /proc/PID/stat, or `undefined` when it is not one. The command name (field 2, in
 * parentheses) may itself hold spaces and ')', so the fields are counted from after the LAST ')'.
 */
export function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") " come the fields from 3 (state) on: field N is at index N - 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const at = (field: number): number => Number(fields[field - 3]);
  const numbers = [at(4), at(5), at(14), at(15), at(16), at(17), at(22), at(24)];
  if (fields.length < 22 || !numbers.every(Number.isFinite)) return undefined;
  return {
    pid,
    state: fields[0]!,
    ppid: at(4),
    pgid: at(5),
    ownTicks: at(14) + at(15),
    childTicks: at(16) + at(17),
    startTime: fields[22 - 3]!,
    rssPages: at(24),
  };
}

/** Reads /proc/PID/stat under `procRoot`; `undefined` when the process is gone (never throws). */
export function readProcStat(procRoot: string, pid: number): ProcStat | undefined {
  try {
    return parseProcStat(pid, readFileSync(`${procRoot}/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

/** VmHWM (the process's own peak resident memory) from /proc/PID/status, in bytes; 0 when absent or gone. */
export function readPeakRssBytes(procRoot: string, pid: number): number {
  try {
    const match = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync(`${procRoot}/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The units of /proc's figures: clock ticks per second and bytes per page. */
export interface ProcUnits {
  readonly clockTicks: number;
  readonly pageSize: number;
}

let units: ProcUnits | undefined;

/** The auxiliary vector's keys for the page size and the clock ticks (linux/auxvec.h). */
const AT_PAGESZ = 6n;
const AT_CLKTCK = 17n;

/**
 * CLK_TCK and the page size, read once per process (the first time they are needed) from the kernel's own
 * auxiliary vector (`/proc/self/auxv`: pairs of native words), with Linux's usual 100 and 4096 when it
 * cannot be read. (Not `getconf`: running it blocked the run's event loop for about 13 ms.)
 */
export function procUnits(): ProcUnits {
  units ??= fromAuxv();
  return units;
}

function fromAuxv(): ProcUnits {
  const found = { clockTicks: 100, pageSize: 4096 };
  try {
    const auxv = readFileSync('/proc/self/auxv');
    const little = endianness() === 'LE';
    for (let at = 0; at + 16 <= auxv.length; at += 16) {
      const key = little ? auxv.readBigUInt64LE(at) : auxv.readBigUInt64BE(at);
      const value = Number(little ? auxv.readBigUInt64LE(at + 8) : auxv.readBigUInt64BE(at + 8));
      if (key === AT_PAGESZ && value > 0) found.pageSize = value;
      if (key === AT_CLKTCK && value > 0) found.clockTicks = value;
    }
  } catch {
    // not Linux, or no /proc: the usual values
  }
  return found;
}
