import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** A `process.kill` call that reached something other than what rxproc started and has not reaped. */
export interface BadKill {
  readonly target: number;
  readonly signal: string | number | undefined;
  readonly why: string;
}

/** Whether a process still holds group `pgid` (a zombie leader counts: it is not reaped yet). */
function groupExists(pgid: number): boolean {
  if (existsSync(`/proc/${pgid}`)) return true;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/**
 * Watches every `process.kill` while `body` runs and records the ones that would be wrong: a signal to a
 * pid that is already reaped (not even a zombie), to a group with no member left, or to pid 0/undefined.
 * Signal 0 (a probe, which delivers nothing) is allowed.
 */
export async function auditKills(body: () => Promise<void>): Promise<BadKill[]> {
  const bad: BadKill[] = [];
  const original = process.kill;
  process.kill = (target: number, signal?: string | number) => {
    if (signal !== 0) {
      if (!Number.isInteger(target) || target === 0 || target === -1) bad.push({ target, signal, why: 'no pid' });
      else if (target > 0 && !existsSync(`/proc/${target}`)) bad.push({ target, signal, why: 'pid already reaped' });
      else if (target < 0 && !groupExists(-target)) bad.push({ target, signal, why: 'empty group' });
    }
    return original.call(process, target, signal);
  };
  try {
    await body();
  } finally {
    process.kill = original;
  }
  return bad;
}
