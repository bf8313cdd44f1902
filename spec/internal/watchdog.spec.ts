import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WATCHDOG_SCRIPT } from '../../src/internal/watchdog.js';
import { eventually, isAlive } from '../support/processes.js';

/**
 * The watchdog's shell, driven directly (the host that would feed it is simulated by a pipe): what it does
 * once the host is gone. The whole path, a real host killed with SIGKILL, is in spec/reliability/hostDeath.spec.ts.
 */

/** Whether pid namespaces with a writable ns_last_pid are available (root, util-linux unshare). */
function canForceReuse(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'echo 50 >/proc/sys/kernel/ns_last_pid'], { stdio: 'ignore' }).status === 0;
}

/**
 * Run in a private pid namespace (its pid 1): starts "our" group P (`setsid`, ignores SIGTERM, ends by itself
 * 0.4 s later), puts it under the watchdog (grace 2000 ms) and closes the pipe (the host's death). As soon as
 * P is gone, an unrelated `setsid sleep 60` is given the same id through ns_last_pid. Prints
 * "reused", then "alive" if the unrelated group survived the watchdog's exit. Leaving the namespace kills it.
 */
const DRIVER = `
script=$1 fifo=$2/pipe
mkfifo "$fifo" || exit 2
mkfifo "$2/ready" || exit 2
setsid sh -c 'trap "" TERM; echo >"$1"; sleep 0.4' sh "$2/ready" & P=$!
read -r _ <"$2/ready"
sh -c "$script" rxproc-watchdog <"$fifo" & W=$!
exec 3>"$fifo"
echo "+ $P 2000" >&3
exec 3>&-
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
wait "$W"
l='x) gone'; read -r l </proc/$U/stat 2>/dev/null; set -- \${l##*") "}; [ "$1" != Z ] && [ "$1" != gone ] && [ "$3" = "$P" ] && echo alive
`;

describe('watchdog (the shell that outlives a SIGKILLed host)', function () {
  this.timeout(20000);

  it('stops waiting as soon as the group is empty: gone while the killTimeout (60 s) has not passed', async () => {
    // Our group ignores SIGTERM and ends by itself after 0.3 s.
    const group = spawn('sh', ['-c', "trap '' TERM; sleep 0.3"], { detached: true, stdio: 'ignore' });
    await new Promise((done) => group.once('spawn', done));
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const gone = new Promise<number>((done) => watchdog.once('exit', () => done(performance.now())));
    watchdog.stdin!.end(`+ ${group.pid!} 60000\n`);
    const startedAt = performance.now();
    const goneAt = await Promise.race([gone, new Promise<number>((done) => setTimeout(() => done(Infinity), 15000))]);
    expect(goneAt - startedAt, 'the watchdog is gone well before the killTimeout').to.be.below(15000);
  });

  it('still sends SIGKILL to a group that ignores SIGTERM, once the grace is over', async () => {
    const group = spawn('sh', ['-c', "trap '' TERM; sleep 30 & wait"], { detached: true, stdio: 'ignore' });
    await new Promise((done) => group.once('spawn', done));
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.stdin!.end(`+ ${group.pid!} 300\n`);
    const startedAt = performance.now();
    await new Promise((done) => group.once('exit', done));
    expect(performance.now() - startedAt, 'alive until the grace is over').to.be.at.least(300);
    expect(await eventually(() => watchdog.exitCode !== null, 5000)).to.equal(true);
  });

  it('does not signal an unrelated group that got the id of ours once ours was gone (forced pid reuse)', function () {
    if (!canForceReuse()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-watchdog-'));
    try {
      const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', DRIVER, 'driver', WATCHDOG_SCRIPT, dir], {
        encoding: 'utf8',
        timeout: 15000,
      });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout.split('\n')).to.include.members(['reused', 'alive']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores a line that is not "+ PGID GRACE" / "- PGID" with numbers', async () => {
    const victim = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await new Promise((done) => victim.once('spawn', done));
    const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'rxproc-watchdog'], { stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.stdin!.end(`+ ${victim.pid!}x 0\n+ 0${victim.pid!} 0\n+ ${victim.pid!} $(kill)\n`);
    expect(await eventually(() => watchdog.exitCode !== null, 5000)).to.equal(true);
    expect(isAlive(victim.pid!)).to.equal(true);
    victim.kill('SIGKILL');
  });
});
