import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether pid namespaces with a writable ns_last_pid are available (root, util-linux unshare). */
export function canForceReuse(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'echo 50 >/proc/sys/kernel/ns_last_pid'], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs in a private pid namespace (its pid 1, `$1` the killer's script, `$2` a folder): starts "our" group P
 * (`setsid`, ignores SIGTERM, ends by itself 0.4 s later), then `startKiller` (shell lines that hand P to the
 * reaper or the watchdog with a 2000 ms grace and set K to the killer's pid). As soon as P is gone, an
 * unrelated `setsid sleep 60` is given the same id through ns_last_pid. Prints "reused", then "alive" if the
 * unrelated group survived the killer's exit. Leaving the namespace kills it.
 */
const driver = (startKiller: string): string => `
script=$1 dir=$2
mkfifo "$dir/ready" || exit 2
setsid sh -c 'trap "" TERM; echo >"$1"; sleep 0.4' sh "$dir/ready" & P=$!
read -r _ <"$dir/ready"
${startKiller}
wait "$P"
n=0
while :; do
  echo $((P - 1)) >/proc/sys/kernel/ns_last_pid
  setsid sleep 60 & U=$!
  [ "$U" = "$P" ] && break
  kill "$U"; wait "$U"
  n=$((n + 1)); [ "$n" -lt 50 ] || exit 3
done
for i in 1 2 3 4 5 6 7 8 9 10; do
  read -r l </proc/$U/stat; set -- \${l##*") "}; [ "$3" = "$P" ] && { echo reused; break; }; sleep 0.05
done
wait "$K"
l='x) gone'; read -r l </proc/$U/stat 2>/dev/null; set -- \${l##*") "}; [ "$1" != Z ] && [ "$1" != gone ] && [ "$3" = "$P" ] && echo alive
`;

/** The lines the driver printed (see above), or throws with its stderr when it failed. */
export function forcedReuse(script: string, startKiller: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rxproc-reuse-'));
  try {
    const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', driver(startKiller), 'driver', script, dir], {
      encoding: 'utf8',
      timeout: 15000,
    });
    if (run.status !== 0) throw new Error(`the pid-reuse driver failed (${String(run.status ?? run.signal)}): ${run.stderr}`);
    return run.stdout.split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
