import { lib } from './h.mjs';
const t0 = Date.now();
setTimeout(() => console.log('timer fired at', Date.now() - t0), 100);
console.log('subscribing');
lib.spawn$('echo', ['hi'], { stdout: { file: '/tmp/rxreview/fifo' } }).subscribe({ error: (e) => console.log('err', e.message), complete: () => console.log('complete') });
console.log('subscribe returned after', Date.now() - t0, 'ms');
