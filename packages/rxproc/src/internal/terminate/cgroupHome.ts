import { accessSync, constants, mkdirSync, rmdirSync } from 'node:fs';
import { hostCgroupName, removeLeftoverCgroups } from './cgroupLeftovers.js';
import { safeRead } from './groupMembers.js';
import { isRunCgroupPath } from './cgroupStop.js';

/** Where this host makes its runs' cgroups. */
export interface CgroupHome {
  /** The host's own cgroup (a folder of the cgroup2 mount), where the host moves back after each spawn. */
  readonly parent: string;
  /** The host's folder under it, `rxproc-PID-STARTTIME`: each run's cgroup is a `run-N` in it. */
  readonly dir: string;
}

/** Why no cgroup can be made here (for `containment: 'cgroup'`'s error). */
export interface NoCgroup {
  readonly why: string;
}

let found: CgroupHome | NoCgroup | undefined;

/** The cgroup2 mount point, from /proc/self/mountinfo (the fifth field; octal escapes such as `\040` undone). */
export function cgroup2Mount(mountinfo = safeRead('/proc/self/mountinfo')): string | undefined {
  for (const line of (mountinfo ?? '').split('\n')) {
    const [fields, after] = line.split(' - ');
    if (after?.split(' ')[0] !== 'cgroup2') continue;
    return fields!.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  }
  return undefined;
}

/** What `cgroupHome` found, if it was asked already (nothing is made or looked for here). */
export function foundCgroupHome(): CgroupHome | NoCgroup | undefined {
  return found;
}

/**
 * Where this host can make cgroups, found once (and the host's folder made) on first use; or why it cannot:
 * not Linux, no cgroup v2, or no right to create a cgroup under the host's own (neither root nor a
 * delegated subtree) or to move the host back into it. The folder is removed when the host exits (when
 * its runs are gone by then; a populated one is the exit reaper's and the watchdog's).
 */
export function cgroupHome(): CgroupHome | NoCgroup {
  found ??= findHome();
  return found;
}

function findHome(): CgroupHome | NoCgroup {
  if (process.platform !== 'linux') return { why: 'cgroups are a Linux feature' };
  const mount = cgroup2Mount();
  if (mount === undefined) return { why: 'no cgroup v2 file system is mounted (see /proc/self/mountinfo)' };
  const own = /^0::(.*)$/m.exec(safeRead('/proc/self/cgroup') ?? '')?.[1];
  if (own === undefined) return { why: 'this process is in no cgroup v2 (/proc/self/cgroup has no "0::" line)' };
  const parent = `${mount}${own === '/' ? '' : own}`;
  const dir = `${parent}/${hostCgroupName()}`;
  // The watchdog and the reaper take only plain paths (no space, quote or escape such as systemd's `\x2d`).
  if (!isRunCgroupPath(`${dir}/run-1`)) return { why: `the host's cgroup path ${parent} has characters the watchdog does not take` };
  // What hosts that died without cleaning up left here (found empty), before this host adds its own.
  removeLeftoverCgroups(parent);
  try {
    accessSync(`${parent}/cgroup.procs`, constants.W_OK);
    mkdirSync(dir);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== 'EEXIST') return { why: `this process may not create a cgroup under its own, ${parent} (${code ?? message})` };
  }
  process.once('exit', () => {
    try {
      rmdirSync(dir);
    } catch {
      // runs still there: the exit reaper (and the watchdog) end them and remove the folder
    }
  });
  return { parent, dir };
}
