// Makes this Node process a big host: it holds `bytes` of live data, either as many small JS objects (the
// V8 heap) or as Buffers (memory outside it), until it exits. Needs `--expose-gc` (see spawn-heap's nodeArgs).

const held = [];

/** Small objects, each with a small array, until the V8 heap holds `bytes` of live data. */
export function holdObjects(bytes) {
  let n = 0;
  while (process.memoryUsage().heapUsed < bytes) {
    const batch = new Array(1 << 16);
    for (let i = 0; i < batch.length; i++) batch[i] = { id: n++, tags: [i & 7, i & 15] };
    held.push(batch);
  }
}

/** 1 MiB Buffers, every byte written (so every page is really there), `bytes` in all. */
export function holdBuffers(bytes) {
  for (let total = 0; total < bytes; total += 2 ** 20) held.push(Buffer.alloc(2 ** 20, 1));
}

/** Whether the process still holds `bytes` of the kind `kind` ('objects' or 'buffers'). */
export function holds(kind, bytes) {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (kind === 'objects' ? heapUsed : arrayBuffers) >= bytes;
}

/**
 * A full GC, then a wait until the process is quiet: right after a full GC of 1 GiB, V8 sweeps on its
 * background threads for about a second, and the first 40 spawns took 2.4 times as long (9 ms against
 * 3.7 ms, 2 idle cores). Quiet: under 5 ms of CPU time (all threads) in 100 ms, twice in a row.
 */
export async function settle() {
  if (typeof globalThis.gc !== 'function') throw new Error('settle() needs node --expose-gc');
  globalThis.gc();
  for (let quiet = 0, waited = 0; quiet < 2 && waited < 10_000; waited += 100) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { user, system } = process.cpuUsage(before);
    quiet = user + system < 5000 ? quiet + 1 : 0;
  }
}
