// What a big host pays per spawn: `/bin/true` ×count, one at a time, from a worker holding nothing, 1 GiB of
// small JS objects, or 1 GiB of Buffers; directly (raw spawn, rxproc) and through a spawner process (the
// pattern of examples/spawner.js: a small Node helper, started once, runs the commands for the host). The
// data is made, collected and settled, and the helper started, before the clock starts.
import { spawn as rawSpawn } from 'node:child_process';
import { lastValueFrom } from 'rxjs';
import { spawn$ } from 'rxproc';
import { holdBuffers, holdObjects, holds, settle } from '../lib/bigHost.mjs';
import { runMany } from '../lib/spawners.mjs';
import { startSpawner } from '../../examples/spawner.js';

const TRUE = '/bin/true';
const GiB = 2 ** 30;

// Each row: what the host holds, and how it runs a command.
const rows = {
  'raw spawn, 0 GiB': { holding: 'nothing', via: 'raw spawn' },
  'rxproc, 0 GiB': { holding: 'nothing', via: 'rxproc' },
  'raw spawn, 1 GiB objects': { holding: 'objects', via: 'raw spawn' },
  'rxproc, 1 GiB objects': { holding: 'objects', via: 'rxproc' },
  'rxproc via spawner, 1 GiB objects': { holding: 'objects', via: 'spawner' },
  'raw spawn, 1 GiB Buffers': { holding: 'buffers', via: 'raw spawn' },
  'rxproc via spawner, 1 GiB Buffers': { holding: 'buffers', via: 'spawner' },
};

const direct = {
  'raw spawn': () => new Promise((resolve, reject) => rawSpawn(TRUE).on('close', resolve).on('error', reject)),
  rxproc: () => lastValueFrom(spawn$(TRUE)),
};

export default {
  name: 'spawn-heap',
  title: 'spawn from a big host: /bin/true ×count, one at a time, from a host holding 0 or 1 GiB',
  unit: 'processes/s',
  baseline: 'raw spawn, 0 GiB',
  reference: 'raw spawn, 1 GiB objects',
  params: { count: 300 },
  // gc() for settle(); the limit makes room for 1 GiB of objects also where V8's default is smaller.
  nodeArgs: ['--expose-gc', '--max-old-space-size=4096'],
  prepare: async ({ count }, impl) => {
    const { holding, via } = rows[impl];
    if (holding === 'objects') holdObjects(GiB);
    if (holding === 'buffers') holdBuffers(GiB);
    const spawner = via === 'spawner' ? await startSpawner() : undefined;
    await settle();
    return { count, holding, spawnOne: spawner === undefined ? direct[via] : () => spawner.run(TRUE), spawner };
  },
  cleanup: ({ spawner }) => spawner?.close(),
  impls: Object.fromEntries(
    Object.keys(rows).map((impl) => [
      impl,
      async ({ count, holding, spawnOne }) => {
        const units = await runMany(spawnOne, count, 1);
        // Still holding it all at the end, or the row measured a smaller host than it says.
        return { units, ok: holding === 'nothing' || holds(holding, GiB) };
      },
    ]),
  ),
};
