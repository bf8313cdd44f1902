import { lib, delay, children } from './h.mjs';
const { spawn$, liveProcessCount } = lib;
const script = 'trap "head -c 300000 /dev/zero; echo; echo bye >&2; exit 3" TERM; while :; do sleep 0.05; done';
let short = 0;
for (let i = 0; i < 10; i++) {
  const r = await new Promise((res) => { let out = 0, err = ''; let exit;
    spawn$('sh', ['-c', script], { timeout: 150 }).subscribe({ next: (e) => { if (e.type === 'stdout') out += e.data.length; if (e.type === 'stderr') err += e.data; if (e.type === 'exit') exit = e; },
      error: (e) => res({ out, err, code: exit?.exitCode, name: e.constructor.name }), complete: () => res({ out, err, done: true }) }); });
  if (i < 3 || r.out !== 300001) console.log(JSON.stringify(r));
  if (r.out !== 300001) short++;
}
console.log('runs with truncated stdout:', short, '/ 10 (expected 300001 bytes each)');
// same child, but exiting on its own (no timeout): for comparison
const r2 = await new Promise((res) => { let out = 0; spawn$('sh', ['-c', 'head -c 300000 /dev/zero; echo; exit 3']).subscribe({ next: (e) => { if (e.type === 'stdout') out += e.data.length; }, error: () => res(out), complete: () => res(out) }); });
console.log('no timeout:', r2);
await delay(200); console.log('left', children().length, liveProcessCount());
