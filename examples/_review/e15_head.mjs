import { lib, delay, children } from './hhead.mjs';
const { spawn$, liveProcessCount } = lib;
const py = 'import os,signal\nsignal.signal(signal.SIGTERM, lambda *a: (os.write(1, b"x"*60000), os._exit(3)))\nwhile True: signal.pause()';
const mode = process.argv[2];
let short = 0; const N = 40;
for (let i = 0; i < N; i++) {
  const r = await new Promise((res) => { let out = 0;
    const s = spawn$('python3', ['-c', py], { timeout: 100 }).subscribe({ next: (e) => { if (e.type === 'stdout') out += e.data.length; },
      error: (e) => res({ out, name: e.constructor.name }), complete: () => res({ out, done: true }) });
  });
  if (r.out !== 60000) { short++; if (short < 4) console.log(JSON.stringify(r)); } else if (i < 2) console.log(JSON.stringify(r));
}
console.log('timeout: runs with truncated stdout:', short, '/', N);
await delay(200); console.log('left', children().length, liveProcessCount());
