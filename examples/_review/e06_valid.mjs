import { lib, delay, children } from './h.mjs';
const { spawn$, liveProcessCount } = lib;
const tryIt = async (label, f) => {
  let obs;
  try { obs = f(); } catch (e) { console.log(label.padEnd(30), 'CALL-TIME', e.constructor.name, e.message.slice(0, 120)); return; }
  await new Promise((res) => {
    const t = setTimeout(() => { s.unsubscribe(); console.log(label.padEnd(30), 'still running after 1.5s'); res(); }, 1500);
    const evs = [];
    const s = obs.subscribe({ next: (e) => evs.push(e.type === 'stdout' ? 'out:' + e.data.toString().trim() : e.type + (e.type === 'exit' ? `(${e.exitCode},${e.signal})` : '')), error: (e) => { clearTimeout(t); console.log(label.padEnd(30), 'SUBSCRIBE-ERR', evs.join(','), e.constructor.name, e.code ?? '', e.message.slice(0, 150)); res(); }, complete: () => { clearTimeout(t); console.log(label.padEnd(30), 'complete', evs.join(',')); res(); } });
  });
};
await tryIt('uid 2**32', () => spawn$('true', { uid: 2 ** 32 }));
await tryIt('gid 2**31', () => spawn$('true', { gid: 2 ** 31 }));
await tryIt('env key with =', () => spawn$('sh', ['-c', 'env | grep ^A='], { env: { 'A=B': 'c' } }));
await tryIt('env empty key', () => spawn$('sh', ['-c', 'echo ok'], { env: { '': 'c' } }));
await tryIt('stdout null', () => spawn$('echo', ['hi'], { stdout: null }));
await tryIt('timeout 0.5', () => spawn$('sleep', ['1'], { timeout: 0.5 }));
await tryIt('killSignal SIGCONT unsub', () => spawn$('sleep', ['1'], { killSignal: 'SIGCONT', timeout: 100, killTimeout: Infinity }));
await tryIt('killSignal SIGSTOP timeout', () => spawn$('sleep', ['1'], { killSignal: 'SIGSTOP', timeout: 100, killTimeout: 300 }));
await tryIt('cwd relative missing', () => spawn$('true', { cwd: 'nope-dir' }));
await tryIt('cwd missing + file redirect', () => spawn$('true', { cwd: '/nope-dir', stdout: { file: 'o' } }));
await tryIt('stdin string "inherit"?', () => spawn$('cat', { stdin: 'ignore' }));
await tryIt('stdin empty Uint8Array', () => spawn$('cat', { stdin: new Uint8Array(0) }));
await tryIt('stdin SharedArrayBuffer view', () => spawn$('cat', { stdin: new Uint8Array(new SharedArrayBuffer(2)).fill(65) }));
await tryIt('args sparse', () => spawn$('echo', [ , 'a']));
await tryIt('successExitCodes sparse', () => spawn$('false', { successExitCodes: [ , 1] }));
await tryIt('successExitCodes [NaN]', () => spawn$('true', { successExitCodes: [NaN] }));
await tryIt('command with newline', () => spawn$('ec\nho'));
await delay(500);
console.log('procs left', children(), liveProcessCount());
