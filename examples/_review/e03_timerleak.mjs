import { throwError } from 'rxjs';
import { lib } from './h.mjs';
const t0 = Date.now();
console.log('baseline exit listeners', process.listenerCount('exit'));
lib.spawn$('sleep', ['30'], { stdin: throwError(() => new Error('x')), timeout: 3000 }).subscribe({ error: (e) => console.log('error', e.message) });
process.on('exit', () => console.log('host exited after', Date.now() - t0, 'ms'));
