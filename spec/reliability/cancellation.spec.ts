import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { lastValueFrom, race, takeUntil, toArray } from 'rxjs';
import { liveProcessCount, pipeTo, retryOnExit, spawn$, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { auditKills } from '../support/killAudit.js';
import { delay, outcome, recordKills } from '../support/outcome.js';
import { eventually, isAlive, markedProcesses } from '../support/processes.js';

const SOAK = Number(process.env.RXPROC_SOAK ?? 1);
const root = resolve(__dirname, '../..');
const fixture = (name: string): string => resolve(root, 'spec/fixtures', name);
const HOOKED = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const listenerCounts = (): number[] => HOOKED.map((name) => process.listenerCount(name));
const tick = (): Promise<void> => new Promise((done) => setImmediate(done));

const kinds = {
  fast: () => spawn$('true'),
  slow: () => spawn$('sleep', ['30']),
  'ignores SIGTERM': () => spawn$(fixture('ignore-term.sh'), { killTimeout: 150 }),
  'spawns a tree': () => spawn$(fixture('tree.sh')),
  'floods output': () => spawn$('yes'),
  pipeline: () => spawn$('yes').pipe(pipeTo('cat')),
};

describe('reliability: cancellation and kill', function () {
  this.timeout(120000);

  it('unsubscribing at any moment leaves no process, no listener, and emits nothing after (property)', async () => {
    const baseline = listenerCounts();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(kinds) as Array<keyof typeof kinds>)), fc.integer({ min: 0, max: 80 }), async (kind, ms) => {
        let unsubscribed = false;
        let late = 0;
        const sub = kinds[kind]().subscribe({
          next: () => {
            if (unsubscribed) late++;
          },
          error: () => undefined,
        });
        await delay(ms);
        sub.unsubscribe();
        unsubscribed = true;
        expect(await eventually(() => liveProcessCount() === 0 && markedProcesses().length === 0, 3000), `${kind} after ${ms} ms`).to.equal(true);
        expect(late).to.equal(0);
        await tick();
        expect(listenerCounts()).to.deep.equal(baseline);
      }),
      { numRuns: 30 * SOAK },
    );
  });

  it('leaves no listener on the child or its streams', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mutable CommonJS module, to patch spawn
    const cp = require('node:child_process') as typeof import('node:child_process');
    const original = cp.spawn;
    const children: import('node:child_process').ChildProcess[] = [];
    cp.spawn = ((...args: Parameters<typeof original>) => {
      const child = original(...args);
      children.push(child);
      return child;
    }) as typeof original;
    try {
      await outcome(spawn$('echo', ['done']));
      const sub = spawn$('sleep', ['30']).subscribe();
      await delay(20);
      sub.unsubscribe();
      await eventually(() => liveProcessCount() === 0);
    } finally {
      cp.spawn = original;
    }
    expect(children).to.have.length(2);
    for (const child of children) {
      expect(child.listenerCount('exit'), 'exit').to.equal(0);
      expect(child.listenerCount('spawn'), 'spawn').to.equal(0);
      expect(child.listenerCount('error'), 'error: only the permanent no-op').to.equal(1);
      for (const stream of [child.stdout, child.stderr]) expect(stream?.listenerCount('data'), 'data').to.equal(0);
    }
  });

  it("with containment 'group', a grandchild that calls setsid escapes the group: teardown still ends within the grace period", async () => {
    let escaped = 0;
    // (a cgroup holds it: containment.spec.ts)
    const sub = spawn$('sh', ['-c', 'setsid sleep 30 & echo $!; wait'], { killTimeout: 300, containment: 'group' }).subscribe((e) => {
      if (e.type === 'stdout') escaped = Number(e.data.toString());
    });
    await eventually(() => escaped > 0);
    sub.unsubscribe();
    expect(await eventually(() => liveProcessCount() === 0, 2000)).to.equal(true);
    // documented limit: it left the group, so rxproc cannot reach it
    expect(isAlive(escaped)).to.equal(true);
    process.kill(escaped, 'SIGKILL');
  });

  it('unsubscribing right after a spawn failure sends no signal at all (strace where available)', async () => {
    const script = `
      import { spawn$ } from '../../packages/rxproc/dist/index.js';
      spawn$('rxproc-no-such-command').subscribe({ error() {} }).unsubscribe();
      spawn$('echo', ['a\\0b']).subscribe({ error() {} }).unsubscribe();
      spawn$('ls', { cwd: '/no/such/dir' }).subscribe({ error() {} }).unsubscribe();
      setTimeout(() => {}, 100);`;
    const dir = mkdtempSync(join(root, 'spec/fixtures/.tmp-'));
    try {
      const file = join(dir, 'host.mjs');
      writeFileSync(file, script.replace('../../packages', '../../../packages'));
      const strace = spawnSync('strace', ['-V']).status === 0;
      const log = join(dir, 'strace.log');
      const run = strace
        ? spawnSync('strace', ['-f', '-e', 'trace=kill', '-o', log, process.execPath, file])
        : spawnSync(process.execPath, [file], { detached: true } as never);
      expect(run.status, String(run.stderr)).to.equal(0);
      if (strace) expect(readFileSync(log, 'utf8')).to.not.match(/\bkill\(/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // and in this process: the audit sees no call at all
    const bad = await auditKills(async () => {
      spawn$('rxproc-no-such-command')
        .subscribe({ error: () => undefined })
        .unsubscribe();
      await delay(50);
    });
    expect(bad).to.deep.equal([]);
  });

  it(`siblings exiting together (race, takeUntil, pipelines), ${1000 * SOAK} times: no signal to a reaped pid`, async () => {
    const bad = await auditKills(async () => {
      for (let i = 0; i < 1000 * SOAK; i++) {
        const pattern = i % 3;
        if (pattern === 0) await outcome(race(spawn$('true'), spawn$('true')));
        else if (pattern === 1) await outcome(spawn$('sleep', ['0.001']).pipe(takeUntil(spawn$('true'))));
        else await outcome(spawn$('echo', ['x']).pipe(pipeTo('true')));
      }
      await eventually(() => liveProcessCount() === 0);
    });
    expect(bad).to.deep.equal([]);
  });

  it('unsubscribing twice, after completion, or during a retryOnExit backoff: no error, no kill, no respawn', async () => {
    let spawns = 0;
    const { kills } = await recordKills(async () => {
      const done = spawn$('true').subscribe();
      expect(await eventually(() => done.closed, 30000)).to.equal(true);
      expect(() => {
        done.unsubscribe();
        done.unsubscribe();
      }).to.not.throw();
      let restarts = 0;
      const retrying = spawn$('sh', ['-c', 'exit 1'])
        .pipe(retryOnExit({ delay: 300 }))
        .subscribe((e) => {
          if ((e as ProcessEvent).type === 'spawn') spawns++;
          if (e.type === 'restart') restarts++;
        });
      // The restart event comes once the exit was seen, as the backoff begins: unsubscribed during it
      // (a poll of `eventually` is due before the 300 ms backoff, however late the loop runs).
      expect(await eventually(() => restarts === 1, 30000)).to.equal(true);
      retrying.unsubscribe();
      retrying.unsubscribe();
      // Longer than the backoff, from a later start: a respawn that was not cancelled would come first.
      await delay(400);
    });
    expect(spawns).to.equal(1);
    // every process had exited by itself before each unsubscribe: not a single signal
    expect(kills.filter(([, signal]) => signal !== 0)).to.deep.equal([]);
    expect(await lastValueFrom(spawn$('echo', ['still fine']).pipe(toArray()))).to.have.length(3);
  });
});
