import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { signalProcess } from './signalProcess.js';

const PROC = '/proc';
let hasProc: boolean | undefined;

/**
 * Whether process group `pgid` has a member that is not a zombie. `kill(-pgid, 0)` also counts zombies,
 * and an orphaned grandchild stays a zombie until init gets round to reaping it (seconds, on some
 * machines), so on Linux the members are looked up in /proc. Elsewhere `kill` is all there is.
 *
 * Only called on the rare path where a group outlives its leader: it reads one small file per process.
 * It answers "no" only when it saw members of the group and all of them were zombies.
 */
export function groupHasLiveMember(pgid: number): boolean {
  // EPERM: the group has members, but none the host may signal (they changed their user id): they count.
  if (signalProcess(-pgid, 0) === 'gone') return false;
  hasProc ??= safeReaddir(PROC) !== undefined;
  if (!hasProc) return true;
  let zombies = 0;
  for (const name of safeReaddir(PROC) ?? []) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const stat = safeRead(`${PROC}/${name}/stat`);
    if (stat === undefined) continue;
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 4);
    if (Number(fields[2]) !== pgid) continue;
    if (fields[0] !== 'Z') return true;
    zombies++;
  }
  // kill() found the group but /proc shows none of it (hidepid, another pid namespace): trust kill().
  return zombies === 0;
}

function safeReaddir(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

/** A file's text, or `undefined` when it cannot be read (gone, not allowed). */
export function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` has ended even if Node has not reaped it yet: on Linux, a zombie (or no process)
 * in /proc. Elsewhere, `false`: only the exit event tells.
 */
export function hasEnded(pid: number): boolean {
  hasProc ??= safeReaddir(PROC) !== undefined;
  if (!hasProc) return false;
  const stat = safeRead(`${PROC}/${pid}/stat`);
  return stat === undefined || stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
}

/**
 * POSIX sh (dash) functions shared by the reaper (registry.ts) and the watchdog (watchdog.ts), which stop a
 * group after the host is gone. They only ever receive numbers (and `none`, `-`, a signal name); a
 * pgid that is not a plain number above 1 is ignored (`kill -- -1` would reach every process).
 *
 * `rxp_stop SIGNAL PGID GRACE_MS`: sends SIGNAL (`-`: none, the host sent it) to group PGID, then checks the
 * group every 0.2 s and returns as soon as it is empty, or no longer provably the same group; after GRACE_MS
 * ms (`none`: never; counted from a clock reading taken after the signal) it sends SIGKILL if it still is.
 *
 * "The same group": pid reuse may hand an emptied group's id to an unrelated `setsid` process. Every check
 * takes a clock reading (the start time, in clock ticks since boot, of the 0.2 s `sleep` it forks) and the
 * next check accepts the group only if a living member started no later than that reading: a member of a
 * group that reused the id was started after the previous check had seen our group still there, so it
 * fails. The clock counts in ticks (10 ms), so a check happens at least 20 ms after the reading it uses:
 * a member of a later group cannot have been started within the reading's tick. A group seen empty, or not
 * accepted, is left for good. Without /proc only `kill -0` is checked.
 */
export const GROUP_STOP_SH = `
rxp_clock() {
rxp_now=
read -r rxp_l 2>/dev/null <"/proc/$1/stat" || return 0
set -- \${rxp_l##*") "}
case \${20-} in ''|*[!0-9]*) ;; *) rxp_now=\${20} ;; esac
}
rxp_ours() {
kill -s 0 -- "-$1" 2>/dev/null || return 1
[ -r /proc/self/stat ] && [ -n "$2" ] || return 0
for rxp_f in /proc/[0-9]*/stat; do
read -r rxp_l 2>/dev/null <"$rxp_f" || continue
set -- "$1" "$2" \${rxp_l##*") "}
[ "$5" = "$1" ] && [ "$3" != Z ] && [ "\${22}" -le "$2" ] && return 0
done
return 1
}
rxp_stop() {
case $2 in ''|0*|1|*[!0-9]*) return 0 ;; esac
case $3 in none) ;; ''|*[!0-9]*) return 0 ;; esac
rxp_hz=$(getconf CLK_TCK 2>/dev/null) || rxp_hz=
case $rxp_hz in ''|*[!0-9]*) rxp_hz=100 ;; esac
sleep 0.02 </dev/null >/dev/null 2>&1 & rxp_clock $!; wait $! || sleep 1
rxp_t0= rxp_hi=$rxp_now rxp_left=$3
rxp_ours "$2" "$rxp_hi" || return 0
[ "$1" = - ] || kill -s "$1" -- "-$2" 2>/dev/null || return 0
[ "$3" = none ] && return 0
while :; do
sleep 0.2 </dev/null >/dev/null 2>&1 & rxp_clock $!
rxp_t0=\${rxp_t0:-$rxp_now}
if wait $!; then rxp_left=$((rxp_left - 200)); else sleep 1; rxp_left=$((rxp_left - 1000)); fi
rxp_ours "$2" "$rxp_hi" || return 0
if [ -n "$rxp_now" ] && [ -n "$rxp_t0" ]; then
rxp_hi=$rxp_now
[ $(((rxp_now - rxp_t0 - 1) * 1000 + 200 * rxp_hz)) -ge $(($3 * rxp_hz)) ] && break
else
[ "$rxp_left" -le 0 ] && break
fi
done
kill -s KILL -- "-$2" 2>/dev/null
}
`;

/** A grace as the stop shells take it: whole ms, or `none` for an infinite killTimeout. */
export function graceArg(killTimeout: number): string {
  return Number.isFinite(killTimeout) ? String(Math.max(0, Math.ceil(killTimeout))) : 'none';
}

/**
 * Starts one of rxproc's own stop shells (the reaper, the watchdog): `/bin/sh -c SCRIPT NAME ARGS…`,
 * detached so that it outlives the host, with a bare environment (it is rxproc's, not the application's).
 * Unref'd: it never keeps the host alive.
 */
export function startStopShell(script: string, name: string, args: readonly string[], stdin: 'pipe' | 'ignore'): ChildProcess {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const child = spawn('/bin/sh', ['-c', script, name, ...args], { detached: true, stdio: [stdin, 'ignore', 'ignore'], env });
  child.unref();
  return child;
}
