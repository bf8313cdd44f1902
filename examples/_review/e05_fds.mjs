import { lib, delay, children, listeners, fds } from './h.mjs';
import { readdirSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { of, Subject } from 'rxjs';
const { spawn$, liveProcessCount } = lib;
const runOnce = (obs, unsubAfter) => new Promise((resolve) => {
  const s = obs.subscribe({ error: () => resolve(), complete: () => resolve() });
  if (unsubAfter !== undefined) setTimeout(() => { s.unsubscribe(); resolve(); }, unsubAfter);
});
const fdList = () => readdirSync('/proc/self/fd').map((f) => { try { return f + '->' + readlinkSync('/proc/self/fd/' + f); } catch { return f; } });
writeFileSync('/tmp/rxreview/afile', 'x');
const cases = {
  ok: () => runOnce(spawn$('true')),
  enoent: () => runOnce(spawn$('no-such-cmd-xyz')),
  enotdir_cwd: () => runOnce(spawn$('true', { cwd: '/tmp/rxreview/afile' })),
  e2big: () => runOnce(spawn$('true', ['x'.repeat(200000)])),
  bigenv: () => runOnce(spawn$('true', { env: { A: 'x'.repeat(300000) } })),
  redirect_fail: () => runOnce(spawn$('true', { stdout: { file: '/tmp/rxreview/out' }, stderr: { file: '/nonexistent/dir/x' } })),
  redirect_ok: () => runOnce(spawn$('true', { stdout: { file: '/tmp/rxreview/out' }, stderr: { file: '/tmp/rxreview/err' } })),
  stdin_str: () => runOnce(spawn$('true', { stdin: 'x'.repeat(1e6) })),
  stdin_obs: () => runOnce(spawn$('cat', { stdin: of('a', 'b') })),
  unsub: () => runOnce(spawn$('sleep', ['5']), 10),
  unsub_sync_enoent: () => runOnce(spawn$('no-such-cmd-xyz'), 0),
  uid_big: () => runOnce(spawn$('true', { uid: 2 ** 32 })),
};
for (const [name, fn] of Object.entries(cases)) {
  await fn(); await delay(50);
  const base = fds();
  const l0 = fdList();
  for (let i = 0; i < 30; i++) await fn();
  await delay(300);
  const after = fds();
  console.log(name.padEnd(18), 'fd delta over 30 runs:', after - base, 'live', liveProcessCount(), 'procs', children().length, listeners());
  if (after - base > 0) console.log('   new:', fdList().filter((x) => !l0.includes(x)).slice(0, 4));
}
