import { throwError, of, concat, interval, map, Subject, startWith } from 'rxjs';
import { lib, delay, children, listeners, cleanup } from './h.mjs';
const { spawn$, liveProcessCount } = lib;
const t0 = Date.now();
const mode = process.argv[2];
let sigEmits = 0;
const signals = interval(200).pipe(map(() => { sigEmits++; return 'SIGUSR2'; }));
const opts = mode === 'stdin'
  ? { stdin: throwError(() => new Error('stdin source failed')), timeout: 4000, signals }
  : { signals: concat(of('NOPE'), signals), timeout: 4000 };
spawn$('sleep', ['30'], opts).subscribe({ error: (e) => console.log(Date.now() - t0, 'ms error:', e.message) });
await delay(1000);
console.log('after 1s: procs', children().length, 'live', liveProcessCount(), 'signals emitted after error:', sigEmits, listeners());
process.on('exit', () => console.log('host exited after', Date.now() - t0, 'ms; signals emitted', sigEmits));
setTimeout(() => { console.log('still alive at 6s, forcing exit'); process.exit(0); }, 6000).unref();
