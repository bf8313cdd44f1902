import { lib, delay, children } from './h.mjs';
const { spawn$, liveProcessCount } = lib;
const collect = (obs) => new Promise((res) => {
  const ev = []; let out = 0, err = 0; const t0 = Date.now();
  obs.subscribe({ next: (e) => { ev.push(e.type); if (e.type === 'stdout') out += e.data.length; if (e.type === 'stderr') err += e.data.length; if (e.type === 'exit') ev.exit = e; },
    error: (e) => res({ out, err, order: ok(ev), exit: ev.exit, error: e.constructor.name + ': ' + e.message.split('\n')[0], ms: Date.now() - t0 }),
    complete: () => res({ out, err, order: ok(ev), exit: ev.exit, complete: true, ms: Date.now() - t0 }) });
});
const ok = (ev) => ev[0] === 'spawn' && ev.at(-1) === 'exit' && ev.filter((t) => t === 'exit').length === 1 && ev.filter((t) => t === 'spawn').length === 1 ? 'ok' : ev.join(',');
const show = async (label, obs) => { const r = await collect(obs); console.log(label.padEnd(34), JSON.stringify({ ...r, exit: r.exit && { c: r.exit.exitCode, s: r.exit.signal } })); };
await show('10MB stdout', spawn$('head', ['-c', '10000000', '/dev/zero']));
await show('10MB stderr + 10MB stdout', spawn$('sh', ['-c', 'head -c 10000000 /dev/zero >&2 & head -c 10000000 /dev/zero; wait']));
await show('stdout closed early, stderr later', spawn$('sh', ['-c', 'echo a; exec 1>&-; sleep 0.2; echo bb >&2']));
await show('grandchild late output (200ms)', spawn$('sh', ['-c', '(sleep 0.2; echo late) &']));
await show('grandchild beyond drain', spawn$('sh', ['-c', '(sleep 3; echo late) &'], { drainTimeout: 200 }));
await show('self SIGKILL', spawn$('sh', ['-c', 'echo x; kill -9 $$']));
await show('exit 255', spawn$('sh', ['-c', 'exit 255']));
await show('success codes [3]', spawn$('sh', ['-c', 'exit 3'], { successExitCodes: [3] }));
await show('stdin feed 5MB cat', spawn$('cat', { stdin: Buffer.alloc(5e6) }));
await show('drainTimeout 0 w/ output', spawn$('sh', ['-c', 'head -c 300000 /dev/zero'], { drainTimeout: 0 }));
let lost = 0;
for (let i = 0; i < 50; i++) { const r = await collect(spawn$('head', ['-c', '200000', '/dev/zero'], { drainTimeout: 0 })); if (r.out !== 200000) lost++; }
console.log('drainTimeout 0: runs with lost output', lost, '/50');
await show('timeout then exit by itself in drain', spawn$('sh', ['-c', 'sleep 0.5 & echo x'], { timeout: 200 }));
await delay(300);
console.log('left', children().length, liveProcessCount());
