// Cancel = kill: unsubscribing stops the child *and* the grandchild it started in the background.
import { existsSync, readFileSync } from 'node:fs';
import { spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

// A zombie is dead (it only waits for its parent to collect it): on Linux, read its state from /proc.
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    const stat = existsSync('/proc') ? readFileSync(`/proc/${pid}/stat`, 'latin1') : '';
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function main(log) {
  log(`$ sh -c 'sleep 60 & echo $!; wait'   (a child that starts a grandchild, then waits)`);
  const pids = await new Promise((resolve) => {
    let child;
    const subscription = spawn$('sh', ['-c', 'sleep 60 & echo $!; wait']).subscribe((event) => {
      if (event.type === 'spawn') child = event.pid;
      if (event.type === 'stdout') resolve({ child, grandchild: Number(event.data), subscription });
    });
  });
  log(`  child ${pids.child} alive: ${alive(pids.child)}, grandchild ${pids.grandchild} alive: ${alive(pids.grandchild)}`);
  log('  unsubscribe()');
  pids.subscription.unsubscribe();
  for (let i = 0; i < 200 && (alive(pids.child) || alive(pids.grandchild)); i++) await sleep(10);
  log(`  child alive: ${alive(pids.child)}, grandchild alive: ${alive(pids.grandchild)} (SIGTERM went to the whole group)`);
}

runIfMain(import.meta, main);
