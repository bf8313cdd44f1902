import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One made-up process: times in ticks, RSS in pages, VmHWM in kB. */
export interface FakeProcess {
  readonly ppid: number;
  readonly pgid: number;
  readonly comm?: string;
  readonly state?: string;
  readonly utime?: number;
  readonly stime?: number;
  readonly cutime?: number;
  readonly cstime?: number;
  readonly start?: number;
  readonly rss?: number;
  readonly hwmKb?: number;
}

/** The text of a stat file as Linux writes it (52 fields). */
export function statLine(pid: number, p: FakeProcess): string {
  const fields = Array.from({ length: 52 }, () => '0');
  const set = (field: number, value: string | number): void => void (fields[field - 1] = String(value));
  set(1, pid);
  set(2, `(${p.comm ?? 'fake'})`);
  set(3, p.state ?? 'S');
  set(4, p.ppid);
  set(5, p.pgid);
  set(14, p.utime ?? 0);
  set(15, p.stime ?? 0);
  set(16, p.cutime ?? 0);
  set(17, p.cstime ?? 0);
  set(22, p.start ?? 1000);
  set(24, p.rss ?? 0);
  return `${fields.join(' ')}\n`;
}

/** A made-up /proc in a temp folder, for the meter's `procRoot`. */
export class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'rxproc-fakeproc-'));

  /** Writes (or rewrites) a process. */
  set(pid: number, p: FakeProcess): void {
    mkdirSync(join(this.root, String(pid)), { recursive: true });
    writeFileSync(join(this.root, String(pid), 'stat'), statLine(pid, p));
    const status = p.hwmKb === undefined ? 'Name:\tfake\n' : `Name:\tfake\nVmHWM:\t ${p.hwmKb} kB\nVmRSS:\t 1 kB\n`;
    writeFileSync(join(this.root, String(pid), 'status'), status);
  }

  /** The process is gone (reaped). */
  remove(pid: number): void {
    rmSync(join(this.root, String(pid)), { recursive: true, force: true });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
