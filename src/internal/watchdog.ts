import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * The opt-in guard against the host's sudden death (SIGKILL, the OOM killer, a crash that runs no exit
 * hook): one detached shell per host reads "+ PGID GRACE" / "- PGID" lines from a pipe the host holds.
 * When the host dies, however it dies, the kernel closes that pipe; the shell reads EOF and stops every
 * group still registered (killSignal is not known to it: SIGTERM, then SIGKILL after GRACE seconds).
 * Builtins only, so it costs no process per registration.
 */
const SCRIPT = `
groups=''
while read -r op pgid grace; do
  case "$op" in
    +) groups="$groups $pgid:$grace" ;;
    -) rest=''; for e in $groups; do case "$e" in "$pgid":*) ;; *) rest="$rest $e" ;; esac; done; groups=$rest ;;
  esac
done
for e in $groups; do
  pgid=\${e%%:*}; grace=\${e#*:}
  kill -s TERM -- -"$pgid" 2>/dev/null || continue
  [ "$grace" = none ] && continue
  (sleep "$grace" 2>/dev/null || sleep "\${grace%.*}"; kill -s 0 -- -"$pgid" && kill -s KILL -- -"$pgid") 2>/dev/null &
done
wait
`;

let watchdog: ChildProcess | undefined;

function send(line: string): void {
  if (watchdog === undefined || watchdog.exitCode !== null || watchdog.signalCode !== null) watchdog = start();
  watchdog.stdin?.write(`${line}\n`);
}

function start(): ChildProcess {
  const child = spawn('/bin/sh', ['-c', SCRIPT], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const noop = (): void => undefined;
  child.on('error', noop);
  child.stdin?.on('error', noop);
  // Neither the watchdog nor its pipe may keep the host alive.
  child.unref();
  (child.stdin as Socket | null)?.unref();
  return child;
}

/** Puts a process group under the watchdog; `killTimeout` in ms (Infinity: SIGTERM only). */
export function guard(pgid: number, killTimeout: number): void {
  send(`+ ${pgid} ${Number.isFinite(killTimeout) ? (killTimeout / 1000).toFixed(3) : 'none'}`);
}

/** Takes a group that is gone off the watchdog's list. */
export function release(pgid: number): void {
  if (watchdog !== undefined) send(`- ${pgid}`);
}
