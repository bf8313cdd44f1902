import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { CGROUP_STOP_SH, isRunCgroupPath } from './cgroupStop.js';
import { GROUP_STOP_SH, graceArg, startStopShell } from './groupMembers.js';

/**
 * The opt-in guard against the host's sudden death (SIGKILL, the OOM killer, a crash that runs no exit
 * hook): one detached shell per host reads "+ PGID GRACE" / "- PGID" lines from a pipe the host holds.
 * When the host dies, however it dies, the kernel closes that pipe; the shell reads EOF and stops every
 * group still registered (killSignal is not known to it: SIGTERM, then SIGKILL after GRACE ms) with
 * `rxp_stop` (see {@link GROUP_STOP_SH}): it leaves a group as soon as it is empty, and never signals a
 * group that reused the id. Builtins only while the host lives, so it costs no process per registration.
 *
 * Run cgroups (`containment: 'cgroup'`) come as "c+ GRACE PATH" / "c- PATH", the path last; a path that
 * fails `rxp_cgok` is ignored, so it cannot split into words or globs in `$cgroups` (" PATH|GRACE …": `|`
 * is outside the paths' alphabet; taken off by parameter expansion, not a loop, so a thousand live cgroups
 * cost no more than a few). On EOF each is ended
 * by `rxp_cgstop` (see {@link CGROUP_STOP_SH}): SIGTERM, `cgroup.kill` after GRACE, then removed.
 */
export const WATCHDOG_SCRIPT = `${GROUP_STOP_SH}${CGROUP_STOP_SH}
groups='' cgroups=' '
cg_drop() {
  case $cgroups in *" $1|"*) ;; *) return 0 ;; esac
  rest=\${cgroups#*" $1|"}
  cgroups="\${cgroups%%" $1|"*} \${rest#* }"
}
while read -r op a b; do
  case "$op" in
    +) case "$a" in ''|*[!0-9]*) continue ;; esac; case "$b" in none|[0-9]*) ;; *) continue ;; esac; groups="$groups $a:$b" ;;
    -) case "$a" in ''|*[!0-9]*) continue ;; esac; rest=''; for e in $groups; do case "$e" in "$a":*) ;; *) rest="$rest $e" ;; esac; done; groups=$rest ;;
    c+) case "$a" in none) ;; ''|*[!0-9]*) continue ;; esac; rxp_cgok "$b" || continue; cg_drop "$b"; cgroups="$cgroups$b|$a " ;;
    c-) [ -z "$b" ] && rxp_cgok "$a" && cg_drop "$a" ;;
  esac
done
for e in $groups; do
  rxp_stop TERM "\${e%%:*}" "\${e#*:}" </dev/null >/dev/null 2>&1 &
done
for e in $cgroups; do
  rxp_cgstop TERM "\${e%|*}" "\${e##*|}" </dev/null >/dev/null 2>&1 &
done
wait
`;

let watchdog: ChildProcess | undefined;

function send(line: string): void {
  if (watchdog === undefined || watchdog.exitCode !== null || watchdog.signalCode !== null) watchdog = start();
  watchdog.stdin?.write(`${line}\n`);
}

function start(): ChildProcess {
  const child = startStopShell(WATCHDOG_SCRIPT, 'rxproc-watchdog', [], 'pipe');
  const noop = (): void => undefined;
  child.on('error', noop);
  child.stdin?.on('error', noop);
  // Neither the watchdog (unref'd) nor its pipe may keep the host alive.
  (child.stdin as Socket | null)?.unref();
  return child;
}

/** Puts a process group under the watchdog; `killTimeout` in ms (Infinity: SIGTERM only). */
export function guard(pgid: number, killTimeout: number): void {
  send(`+ ${pgid} ${graceArg(killTimeout)}`);
}

/** Takes a group that is gone off the watchdog's list. */
export function release(pgid: number): void {
  if (watchdog !== undefined) send(`- ${pgid}`);
}

/**
 * Puts a run cgroup under the watchdog: if the host dies, its processes get SIGTERM, `cgroup.kill` after
 * `killTimeout` ms (Infinity: never; the cgroup is removed whenever it empties), and the cgroup is removed.
 * Throws a TypeError for a path {@link isRunCgroupPath} refuses (a newline would inject a line).
 */
export function guardCgroup(path: string, killTimeout: number): void {
  if (!isRunCgroupPath(path)) throw new TypeError(`not a run cgroup of rxproc: ${JSON.stringify(path)}`);
  send(`c+ ${graceArg(killTimeout)} ${path}`);
}

/** Takes a run cgroup off the watchdog's list (it is gone, or the host removes it itself). */
export function releaseCgroup(path: string): void {
  if (watchdog !== undefined && isRunCgroupPath(path)) send(`c- ${path}`);
}
