import { readdirSync, rmdirSync } from 'node:fs';
import { safeRead } from './groupMembers.js';

/** A host's folder: `rxproc-<pid>-<start time in clock ticks since boot>`. */
const HOST_FOLDER = /^rxproc-([0-9]+)-([0-9]+)$/;
const RUN_FOLDER = /^run-[0-9]+$/;

let ownName: string | undefined;

/**
 * The name of this host's cgroup folder, `rxproc-<pid>-<starttime>`: the start time (field 22 of
 * /proc/self/stat) tells a host that is still alive from a later process that got its pid.
 */
export function hostCgroupName(): string {
  ownName ??= `rxproc-${process.pid}-${startTime('self') ?? 0}`;
  return ownName;
}

/**
 * Removes what hosts that died without cleaning up (SIGKILL without the watchdog) left in `parent`, the
 * host's own cgroup folder: in each `rxproc-<pid>-<starttime>` folder whose host is gone (no such pid, or
 * a pid with another start time), every `run-<n>` cgroup that is empty (`populated 0`), then the folder if
 * nothing is left in it. A populated cgroup, a live host's folder and any other name are never touched,
 * and rmdir itself refuses a cgroup that a process entered meanwhile. Never throws.
 *
 * @returns How many cgroups were removed (run cgroups and host folders).
 */
export function removeLeftoverCgroups(parent: string): number {
  let removed = 0;
  for (const name of folders(parent)) {
    const host = HOST_FOLDER.exec(name);
    if (host === null || isAlive(host[1]!, host[2]!)) continue;
    const folder = `${parent}/${name}`;
    for (const run of folders(folder)) {
      if (RUN_FOLDER.test(run) && isEmpty(`${folder}/${run}`) && remove(`${folder}/${run}`)) removed++;
    }
    if (remove(folder)) removed++;
  }
  return removed;
}

/** Whether process `pid` is alive and started at `ticks` (a zombie has ended: it only waits to be reaped). */
function isAlive(pid: string, ticks: string): boolean {
  const stat = safeRead(`/proc/${pid}/stat`);
  if (stat === undefined) return false;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] !== 'Z' && fields[19] === ticks;
}

function startTime(pid: string): string | undefined {
  const stat = safeRead(`/proc/${pid}/stat`);
  // "pid (comm) state …": comm may hold spaces and parentheses; field 22 is the 20th after the last ')'.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** A cgroup is empty when `cgroup.events` says `populated 0`; unreadable counts as not empty. */
function isEmpty(cgroup: string): boolean {
  return safeRead(`${cgroup}/cgroup.events`)?.split('\n').includes('populated 0') === true;
}

function folders(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function remove(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
}
