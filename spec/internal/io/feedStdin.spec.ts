import { expect } from 'chai';
import type { Readable } from 'node:stream';
import { filter, forkJoin, lastValueFrom, map, share, takeUntil, timer, type Observable } from 'rxjs';
import { collectOutput, pipeTo, spawn$, type ProcessEvent } from '../../../packages/rxproc/src/index.js';
import { FlowGate } from '../../../packages/rxproc/src/internal/io/flowGate.js';

/** 200,000 lines (about 1.3 MB, far more than a pipe holds): a consumer that does not read fills its pipe at once. */
const shared = (): Observable<ProcessEvent> => spawn$('seq', ['1', '200000']).pipe(share());
const stdoutOf = (source: Observable<ProcessEvent>): Observable<Buffer> =>
  source.pipe(
    filter((event) => event.type === 'stdout'),
    map((event) => (event as { data: Buffer }).data),
  );
const stdoutText = (source: Observable<ProcessEvent>): Promise<string> => lastValueFrom(source.pipe(collectOutput())).then((r) => r.stdout);

describe('internal/feedStdin: one source, several consumers, nothing stalls', function () {
  this.timeout(60_000);

  it('a consumer that ends while it holds the shared source back releases it: the others get everything', async () => {
    // The first consumer's pipe is full (it sleeps) when head takes one line and exits.
    const src = shared();
    const [first, all] = await Promise.all([stdoutText(src.pipe(pipeTo('sh', ['-c', 'sleep 0.5; head -n 1']))), stdoutText(src.pipe(pipeTo('wc', ['-l'])))]);
    expect([first, all.trim()]).to.deep.equal(['1\n', '200000']);
  });

  it('the same through the stdin option fed from a shared process', async () => {
    const src = shared();
    const [first, all] = await lastValueFrom(
      forkJoin([
        stdoutText(spawn$('sh', ['-c', 'sleep 0.5; head -n 1'], { stdin: stdoutOf(src) })),
        stdoutText(spawn$('wc', ['-l'], { stdin: stdoutOf(src) })),
      ]),
    );
    expect([first, all.trim()]).to.deep.equal(['1\n', '200000']);
  });

  for (const where of ['before pipeTo (the input ends)', 'after pipeTo (the consumer is unsubscribed)'] as const) {
    it(`a branch cut by takeUntil while its consumer holds the source back, ${where}: the other branch gets everything`, async () => {
      const src = shared();
      // A consumer that never reads: by the cut its pipe is full and the source held back (at any speed,
      // the other branch must get everything).
      const cut = timer(300);
      const stuck = where.startsWith('before')
        ? src.pipe(takeUntil(cut), pipeTo('sh', ['-c', 'sleep 1; exec cat >/dev/null']))
        : src.pipe(pipeTo('sh', ['-c', 'sleep 30']), takeUntil(cut));
      const [, all] = await Promise.all([lastValueFrom(stuck, { defaultValue: undefined }), stdoutText(src.pipe(pipeTo('wc', ['-l'])))]);
      expect(all.trim()).to.equal('200000');
    });
  }

  it('a closed gate releases its members and never holds them back again', () => {
    const gate = new FlowGate();
    const paused: boolean[] = [];
    const stream = { pause: () => paused.push(true), resume: () => paused.push(false) } as unknown as Readable;
    gate.add(stream);
    gate.pause();
    gate.close();
    gate.pause();
    gate.add(stream);
    expect(paused).to.deep.equal([true, false]);
    expect(gate.isPaused).to.equal(false);
  });
});
