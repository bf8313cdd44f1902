// A spawner process: each spawn costs the host time in proportion to its memory (docs/performance.md,
// "Spawning from a large host"), so a big host starts one small Node helper early and has it run the
// commands. rxproc's IPC channel carries each command there and its outcome back.
import { Subject } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

const HELPER = fileURLToPath(new URL('./spawner-child.js', import.meta.url));

/**
 * Starts the helper; resolves once it is up to `{ run, close }`: `run(command, args)` resolves to the
 * command's `{ stdout, stderr, exitCode, signal }` (rejects as the command failed), `close()` ends the
 * helper once the replies owed have arrived.
 */
export function startSpawner() {
  const requests = new Subject();
  const pending = new Map();
  let nextId = 0;
  let ended;
  const helperEnded = new Promise((resolve) => (ended = resolve));
  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  const run = (command, args = []) => {
    const id = nextId++;
    let settle;
    const reply = new Promise((resolve, reject) => (settle = { resolve, reject }));
    pending.set(id, { ...settle, reply });
    requests.next({ id, command, args });
    return reply;
  };
  const close = async () => {
    // The replies owed first: once the channel is closed the helper can answer nothing.
    await Promise.allSettled([...pending.values()].map(({ reply }) => reply));
    requests.next({ close: true });
    await helperEnded;
  };
  return new Promise((resolve, reject) => {
    spawn$(process.execPath, [HELPER], { ipc: true, send: requests }).subscribe({
      next: (event) => {
        if (event.type !== 'message') return;
        const { ready, id, error, ...outcome } = event.data;
        if (ready === true) return resolve({ run, close });
        const waiting = pending.get(id);
        pending.delete(id);
        if (error === undefined) waiting?.resolve(outcome);
        else waiting?.reject(Object.assign(new Error(error.message), { name: error.name }));
      },
      error: (error) => {
        failAll(error);
        reject(error);
        ended();
      },
      complete: () => {
        failAll(new Error('the spawner process ended'));
        reject(new Error('the spawner process ended before it was ready'));
        ended();
      },
    });
  });
}

export async function main(log) {
  const spawner = await startSpawner();
  log(`this host is pid ${process.pid}`);
  for (const [command, args] of [
    ['node', ['--version']],
    ['sh', ['-c', 'echo "my parent is pid $PPID"']],
  ]) {
    const { stdout, exitCode } = await spawner.run(command, args);
    const shown = args.map((arg) => (/\s/.test(arg) ? `'${arg}'` : arg)).join(' ');
    log(`$ ${command} ${shown}  (through the spawner)\n  ${stdout.trim()}  exit ${exitCode}`);
  }
  await spawner.run('sh', ['-c', 'exit 3']).catch((error) => log(`  a failure comes back as ${error.name}: ${error.message.split('\n')[0]}`));
  await spawner.close();
}

runIfMain(import.meta, main);
