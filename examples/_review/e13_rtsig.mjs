import { lib } from './h.mjs';
for (const sig of ['34', '40', '64', 'TERM']) {
  await new Promise((res) => lib.spawn$('sh', ['-c', `kill -${sig} $$; sleep 1`]).subscribe({
    next: (e) => e.type === 'exit' && console.log(`kill -${sig}:`, 'exit event', { exitCode: e.exitCode, signal: e.signal }),
    error: (e) => { console.log('   -> error', e.message); res(); }, complete: () => { console.log('   -> COMPLETED (success)'); res(); } }));
}
