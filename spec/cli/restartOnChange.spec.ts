import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, isAlive } from '../support/processes.js';
import { rxproc, startRxproc, useTaskDirs } from './support.js';

type Event = Record<string, unknown>;
const at = (seen: Event[], from: number, match: Event): number => seen.findIndex((e, i) => i >= from && Object.entries(match).every(([k, v]) => e[k] === v));

describe('rxproc run: watch mode (through the built bin)', function () {
  this.timeout(90000);
  const make = useTaskDirs();
  const runs: Array<ReturnType<typeof startRxproc>> = [];
  afterEach(async () => {
    for (const run of runs.splice(0)) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  it('a change restarts the task, then its dependent once it is ready again; an ignored change does not; a failure waits for the next change', async () => {
    const dir = make(`
tasks:
  api:
    sh: 'if grep -q broken src/state; then echo "api: broken" >&2; exit 3; fi; echo "api up"; sleep 1000 & wait'
    ready: api up
    watch: { paths: [src], ignore: ["**/*.tmp"], debounce: 100 }
  web:
    sh: 'echo "web on"; sleep 1000 & wait'
    dependsOn: [api]
`);
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'state'), 'ok\n');
    const run = startRxproc(['run', '--json'], dir);
    runs.push(run);
    const { seen } = run;
    const spawns = (task: string): number => seen.filter((e) => e.task === task && e.event === 'spawn').length;
    expect(await eventually(() => spawns('web') === 1, 20000)).to.equal(true);
    // The watch is in place once it reported nothing for an ignored file and then reported a watched one.
    const firstApi = seen.find((e) => e.task === 'api' && e.event === 'spawn')!.pid as number;
    const firstWeb = seen.find((e) => e.task === 'web' && e.event === 'spawn')!.pid as number;
    let changed = -1;
    for (let attempt = 0; attempt < 50 && changed === -1; attempt++) {
      writeFileSync(join(src, 'scratch.tmp'), String(attempt));
      writeFileSync(join(src, 'state'), `ok ${attempt}\n`);
      if (await eventually(() => at(seen, 0, { task: 'api', event: 'change' }) !== -1, 2000)) changed = at(seen, 0, { task: 'api', event: 'change' });
    }
    expect(changed).to.be.greaterThan(-1);
    expect(seen[changed]!.paths).to.deep.equal(['src/state']);
    expect(await eventually(() => spawns('web') === 2, 20000)).to.equal(true);
    const order = [
      at(seen, changed, { task: 'web', event: 'exit' }),
      at(seen, changed, { task: 'api', event: 'exit' }),
      at(seen, changed, { task: 'api', event: 'ready' }),
      at(seen, changed, { task: 'web', event: 'spawn' }),
    ];
    expect(order.every((i) => i > changed)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(isAlive(firstApi) || isAlive(firstWeb)).to.equal(false);

    // A failure does not end the run: the task waits for a change, its dependent waits for it.
    writeFileSync(join(src, 'state'), 'broken\n');
    expect(await eventually(() => seen.some((e) => e.task === 'api' && e.event === 'failed'), 20000)).to.equal(true);
    expect(seen.some((e) => e.event === 'summary')).to.equal(false);
    writeFileSync(join(src, 'state'), 'ok again\n');
    expect(await eventually(() => spawns('web') === 3, 20000)).to.equal(true);
    const failed = at(seen, 0, { task: 'api', event: 'failed' });
    expect(at(seen, failed, { task: 'api', event: 'change' })).to.be.greaterThan(failed);

    const stop = rxproc(['stop'], dir);
    expect(stop.code, stop.stderr).to.equal(0);
    expect(await run.exited).to.equal(0);
  });
});
