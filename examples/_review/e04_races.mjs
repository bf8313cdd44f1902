import { lib, delay, children, listeners, fds, cleanup } from './h.mjs';
import { existsSync, readFileSync } from 'node:fs';
const { spawn$, liveProcessCount } = lib;
const kills = [];
const orig = process.kill;
function state(pid) { try { const s = readFileSync(`/proc/${pid}/stat`, 'latin1'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[0]; } catch { return 'gone'; } }
process.kill = function (pid, sig) {
  const entry = { pid, sig, st: pid > 0 ? state(pid) : null };
  if (!(Number.isInteger(pid)) || pid === 0) entry.bad = 'pid0/undefined';
  kills.push(entry);
  return orig.call(process, pid, sig);
};
const baseFds = fds();
async function run(name, make, n = 20) {
  const before = kills.length;
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => {
      let done = false;
      const end = () => { if (!done) { done = true; setTimeout(resolve, 5); } };
      make(end, i);
    });
  }
  for (let i = 0; i < 100 && liveProcessCount() > 0; i++) await delay(20);
  const mine = kills.slice(before);
  const bad = mine.filter((k) => k.bad || (k.pid > 0 && k.sig !== 0 && k.st !== 'gone' && false));
  const reaped = mine.filter((k) => k.pid > 0 && k.st === 'gone');
  console.log(name.padEnd(28), 'kills', mine.length, 'kill(pid>0) on gone pid:', reaped.length, 'bad', bad.length, 'live', liveProcessCount(), 'procs', children().length, 'fds', fds() - baseFds, listeners());
}
// proper version using Subscriber
import { Subscription } from 'rxjs';
await run('unsub in spawn (sync)', (end) => {
  const sub = new Subscription();
  sub.add(spawn$('sh', ['-c', 'echo hi; sleep 5']).subscribe({ next: (e) => { if (e.type === 'spawn') { sub.unsubscribe(); end(); } }, error: end, complete: end }));
});
await run('unsub in exit next', (end) => {
  const sub = new Subscription();
  sub.add(spawn$('sh', ['-c', 'echo hi']).subscribe({ next: (e) => { if (e.type === 'exit') { sub.unsubscribe(); end(); } }, error: end, complete: end }));
});
await run('unsub in first stdout', (end) => {
  const sub = new Subscription();
  sub.add(spawn$('sh', ['-c', 'echo hi; exec sleep 5']).subscribe({ next: (e) => { if (e.type === 'stdout') { sub.unsubscribe(); end(); } }, error: end, complete: end }));
});
await run('unsub after i ms', (end, i) => {
  const s = spawn$('sh', ['-c', 'echo hi']).subscribe({ error: end, complete: end });
  setTimeout(() => { s.unsubscribe(); end(); }, i % 5);
}, 60);
await run('unsub exit..close window', (end, i) => {
  // leader exits, grandchild keeps stdout open for 300ms
  const s = spawn$('sh', ['-c', 'sleep 0.3 & echo x']).subscribe({ next: (e) => {}, error: end, complete: end });
  setTimeout(() => { s.unsubscribe(); end(); }, 20 + (i % 10) * 5);
});
await run('setImmediate unsub', (end) => {
  const s = spawn$('true').subscribe({ error: end, complete: end });
  setImmediate(() => { s.unsubscribe(); end(); });
}, 60);
console.log('any bad kill:', kills.filter((k) => k.bad));
console.log('kills on gone pids:', kills.filter((k) => k.pid > 0 && k.st === 'gone'));
cleanup();
