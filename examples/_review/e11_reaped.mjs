import { lib, delay } from './h.mjs';
import { readFileSync } from 'node:fs';
import { Subject } from 'rxjs';
const { spawn$ } = lib;
function state(pid) { try { const s = readFileSync(`/proc/${pid}/stat`, 'latin1'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[0]; } catch { return 'gone'; } }
const orig = process.kill;
const hits = [];
let watch = false;
process.kill = function (pid, sig) { if (watch && pid > 0 && sig !== 0) hits.push({ pid, sig, st: state(pid) }); return orig.call(process, pid, sig); };
for (let i = 0; i < 20; i++) {
  const sigB = new Subject();
  let pidA, pidB;
  await new Promise((resolve) => {
    let n = 0; const done = () => { if (++n === 2) resolve(); };
    spawn$('sleep', ['5']).subscribe({ next: (e) => { if (e.type === 'spawn') pidA = e.pid; if (e.type === 'exit') { watch = true; sigB.next('SIGUSR1'); watch = false; } }, error: done, complete: done });
    spawn$('sleep', ['5'], { signals: sigB }).subscribe({ next: (e) => { if (e.type === 'spawn') pidB = e.pid; }, error: done, complete: done });
    setTimeout(() => { orig.call(process, pidA, 'SIGKILL'); orig.call(process, pidB, 'SIGKILL'); }, 50);
  });
}
console.log('kill(pid) calls made from A\'s exit handler to B:', hits.length, 'of which on an already-reaped pid:', hits.filter((h) => h.st === 'gone').length, hits.slice(0, 3));
