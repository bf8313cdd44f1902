import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { GROUP_STOP_SH, startStopShell } from './groupMembers.js';

/**
 * The opt-in guard against the host's sudden death (SIGKILL, the OOM killer, a crash that runs no exit
 * hook): one detached shell per host reads "+ PGID GRACE" / "- PGID" lines from a pipe the host holds.
 * When the host dies, however it dies, the kernel closes that pipe; the shell reads EOF and stops every
 * group still registered (killSignal is not known to it: SIGTERM, then SIGKILL after GRACE ms) with
 * `rxp_stop` (see {@link GROUP_STOP_SH}): it leaves a group as soon as it is empty, and never signals a
 * group that reused the id. Builtins only while the host lives, so it costs no process per registration.
 */
export const WATCHDOG_SCRIPT = `${GROUP_STOP_SH}
groups=''
while read -r op pgid grace; do
  case "$pgid" in ''|*[!0-9]*) continue ;; esac
  case "$op" in
    +) case "$grace" in none|[0-9]*) ;; *) continue ;; esac; groups="$groups $pgid:$grace" ;;
    -) rest=''; for e in $groups; do case "$e" in "$pgid":*) ;; *) rest="$rest $e" ;; esac; done; groups=$rest ;;
  esac
done
for e in $groups; do
  rxp_stop TERM "\${e%%:*}" "\${e#*:}" </dev/null >/dev/null 2>&1 &
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
  send(`+ ${pgid} ${Number.isFinite(killTimeout) ? Math.max(0, Math.ceil(killTimeout)) : 'none'}`);
}

/** Takes a group that is gone off the watchdog's list. */
export function release(pgid: number): void {
  if (watchdog !== undefined) send(`- ${pgid}`);
}
