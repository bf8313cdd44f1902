import { lib, delay, children, listeners } from './h.mjs';
import { of, Subject, interval, map, throwError, timer, concat, NEVER, range, mergeMap, Observable } from 'rxjs';
const { spawn$, liveProcessCount } = lib;
process.on('uncaughtException', (e) => { console.log('UNCAUGHT', e.code, e.message); });
const collect = (obs, ms = 3000) => new Promise((res) => {
  const ev = []; let out = 0;
  const t = setTimeout(() => { s.unsubscribe(); res({ ev: ev.join(','), out, hung: true }); }, ms);
  const s = obs.subscribe({ next: (e) => { ev.push(e.type === 'exit' ? `exit(${e.exitCode},${e.signal})` : e.type); if (e.type === 'stdout') out += e.data.length; },
    error: (e) => { clearTimeout(t); res({ ev: [...new Set(ev)].join(','), out, error: e.constructor.name + ': ' + e.message.split('\n')[0] }); },
    complete: () => { clearTimeout(t); res({ ev: [...new Set(ev)].join(','), out, complete: true }); } });
});
const show = async (label, obs, ms) => console.log(label.padEnd(36), JSON.stringify(await collect(obs, ms)));
let srcActive = 0;
const tracked = (src) => new Observable((s) => { srcActive++; const sub = src.subscribe(s); return () => { srcActive--; sub.unsubscribe(); }; });
await show('wrong chunk type number', spawn$('cat', { stdin: of('a', 42) }));
await show('wrong chunk later (Subject)', spawn$('cat', { stdin: tracked(interval(20).pipe(map((i) => (i < 3 ? 'x' : { bad: 1 })))) }));
await show('never-completing, child exits', spawn$('true', { stdin: tracked(interval(5).pipe(map(() => 'x'))) }));
console.log('   source still subscribed:', srcActive);
await show('NEVER stdin, child exits', spawn$('sh', ['-c', 'exit 0'], { stdin: NEVER }));
await show('child closes stdin, fast source', spawn$('sh', ['-c', 'exec 0<&-; sleep 0.3'], { stdin: tracked(interval(1).pipe(map(() => 'x'.repeat(65536)))) }));
console.log('   source still subscribed:', srcActive);
await show('head -c1 with big sync source', spawn$('head', ['-c', '1'], { stdin: range(0, 2000).pipe(map(() => 'y'.repeat(65536))) }));
await show('stdin error after exit (during drain)', spawn$('sh', ['-c', '(sleep 0.5; echo late) & echo a'], { stdin: timer(200).pipe(mergeMap(() => throwError(() => new Error('late stdin error')))) }));
await show('signals error during drain', spawn$('sh', ['-c', '(sleep 0.5; echo late) & echo a'], { signals: timer(200).pipe(mergeMap(() => throwError(() => new Error('late signals error')))) }));
await show('signals emit during drain', spawn$('sh', ['-c', '(sleep 0.5; echo late) & echo a'], { signals: timer(200).pipe(map(() => 'SIGTERM')) }));
await show('string stdin to exiting child', spawn$('true', { stdin: 'z'.repeat(5e6) }));
await show('stdin inherit', spawn$('sh', ['-c', 'read x; echo got $x'], { stdin: 'inherit' }), 1000);
await show('stdin obs w/ stdout ignore', spawn$('cat', { stdin: of('abc'), stdout: 'ignore' }));
await delay(500);
console.log('left', children().length, liveProcessCount(), 'srcActive', srcActive, listeners());
