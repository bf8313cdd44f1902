// helpers
import { readdirSync, readFileSync } from 'node:fs';
export const lib = await import('./libhead/index.js');
export const delay = (ms) => new Promise((r) => setTimeout(r, ms));
export function fds() { return readdirSync('/proc/self/fd').length; }
export function children() {
  const out = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const s = readFileSync(`/proc/${n}/stat`, 'latin1');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const env = readFileSync(`/proc/${n}/environ`, 'latin1');
      if (env.includes('RXREVIEW=1')) out.push({ pid: +n, state: f[0], ppid: +f[1], pgid: +f[2], cmd: readFileSync(`/proc/${n}/cmdline`, 'latin1').replace(/\0/g, ' ') });
    } catch {}
  }
  return out.filter((p) => p.pid !== process.pid);
}
process.env.RXREVIEW = '1';
export function listeners() {
  return ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((s) => `${s}:${process.listenerCount(s)}`).join(' ');
}
export function cleanup() { for (const p of children()) try { process.kill(p.pid, 'SIGKILL'); } catch {} }
