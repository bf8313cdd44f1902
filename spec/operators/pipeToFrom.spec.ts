import { expect } from 'chai';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { lastValueFrom, map, of, tap, type Observable } from 'rxjs';
import { collectOutput, pipeTo, ProcessExitError, ProcessObservable, spawn$, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { outcome, output, readWhileHeld } from '../support/outcome.js';
import { eventually, isAlive } from '../support/processes.js';

const OUT_AND_ERR = ['-c', 'echo out; echo err >&2'];
/** What the JS path may read ahead of a downstream that does not read. */
const LIMIT = 16 * 1024 * 1024;
const stageEvents = (events: readonly ProcessEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'spawn' || e.type === 'exit' ? [`${e.type} ${e.stage}`] : []));

describe('pipeTo: from', () => {
  describe("from: 'stderr' through the kernel (a local process)", () => {
    it("gives the upstream's stderr to the next process, not its stdout (`a 2>&1 >/dev/null | b`)", async () => {
      const piped$ = spawn$('sh', OUT_AND_ERR).pipe(pipeTo('cat', { from: 'stderr' }));
      expect(piped$).to.be.instanceOf(ProcessObservable);
      const { events, completed } = await outcome(piped$);
      expect(completed).to.equal(true);
      expect(output(events)).to.equal('err\n');
      // What is read is not emitted as stderr any more.
      expect(events.filter((e) => e.type === 'stderr')).to.have.length(0);
      expect(stageEvents(events)).to.deep.equal(['spawn 0', 'spawn 1', 'exit 0', 'exit 1']);
    });

    it("hands the stderr fd over: the same kernel object, and the upstream's stdout is /dev/null", async () => {
      const pids: number[] = [];
      const sub = spawn$('sh', ['-c', 'echo $$ >&2; exec sleep 30'])
        .pipe(pipeTo('sh', ['-c', 'read pid; echo $pid; echo $$; exec sleep 30'], { from: 'stderr' }))
        .subscribe((event) => {
          if (event.type === 'stdout') pids.push(...event.data.toString().trim().split('\n').map(Number));
        });
      const links: string[] = [];
      try {
        await eventually(() => pids.length === 2);
        links.push(readlinkSync(`/proc/${pids[0]}/fd/2`), readlinkSync(`/proc/${pids[1]}/fd/0`), readlinkSync(`/proc/${pids[0]}/fd/1`));
      } finally {
        sub.unsubscribe();
      }
      const [a, b] = links.slice(0, 2).map((link) => Number(/\[(\d+)\]/.exec(link)![1]));
      expect(Math.abs(a! - b!)).to.equal(1);
      expect(links[2]).to.equal('/dev/null');
      expect(await eventually(() => !pids.some(isAlive))).to.equal(true);
    });

    it('chains on: the next pipeTo reads the stdout of the stage that read the stderr', async () => {
      const result = await lastValueFrom(spawn$('sh', OUT_AND_ERR).pipe(pipeTo('cat', { from: 'stderr' }), pipeTo('tr', ['a-z', 'A-Z']), collectOutput()));
      expect(result.stdout).to.equal('ERR\n');
    });

    it('pipefail still holds: an upstream that fails fails the pipeline', async () => {
      const { error } = await outcome(spawn$('sh', ['-c', 'echo oops >&2; exit 3']).pipe(pipeTo('cat', { from: 'stderr' })));
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ command: 'sh', exitCode: 3 });
    });
  });

  describe("from: 'all' (bash's `|&`, through JavaScript)", () => {
    it('gives both outputs to the next process, and still emits every stage with its index', async () => {
      const { events, completed } = await outcome(spawn$('sh', OUT_AND_ERR).pipe(pipeTo('cat', { from: 'all' })));
      expect(completed).to.equal(true);
      // Two pipes: the order between them is the order they were read in, not promised.
      expect(output(events).split('\n').sort()).to.deep.equal(['', 'err', 'out']);
      expect(events.filter((e) => e.type === 'stderr')).to.have.length(0);
      // Through JavaScript the new process is spawned first (it subscribes to its source once it runs).
      expect(stageEvents(events)).to.deep.equal(['spawn 1', 'spawn 0', 'exit 0', 'exit 1']);
      expect(events.at(-1)).to.include({ type: 'exit', stage: 1 });
    });

    it('keeps the order of what one stream says, across a pipeline source', async () => {
      const seq = spawn$('sh', ['-c', 'seq 1 3000 >&2']).pipe(pipeTo('cat', { from: 'stderr' }), pipeTo('cat', { from: 'all' }));
      const result = await lastValueFrom(seq.pipe(collectOutput()));
      expect(result.stdout.trim().split('\n').map(Number)).to.deep.equal(Array.from({ length: 3000 }, (_, i) => i + 1));
    });
  });

  describe('through JavaScript (any other source)', () => {
    it("'stderr' and 'all' read a process behind other operators", async () => {
      const source = (): Observable<ProcessEvent> => spawn$('sh', OUT_AND_ERR).pipe(map((e) => e));
      expect((await lastValueFrom(source().pipe(pipeTo('cat', { from: 'stderr' }), collectOutput()))).stdout).to.equal('err\n');
      const all = await lastValueFrom(source().pipe(pipeTo('cat', { from: 'all' }), collectOutput()));
      expect(all.stdout.split('\n').sort()).to.deep.equal(['', 'err', 'out']);
    });

    it("plain chunks are stdout: 'stderr' drops them, 'all' reads them", async () => {
      expect((await lastValueFrom(of('a\n').pipe(pipeTo('cat', { from: 'stderr' }), collectOutput()))).stdout).to.equal('');
      expect((await lastValueFrom(of('a\n').pipe(pipeTo('cat', { from: 'all' }), collectOutput()))).stdout).to.equal('a\n');
    });

    for (const from of ['stderr', 'all'] as const) {
      it(`from: '${from}' holds a flooding stderr back while the downstream is not reading (bounded memory)`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'rxproc-hold-'));
        try {
          const go = join(dir, 'go');
          let passed = 0;
          const source = spawn$('sh', ['-c', 'head -c 100000000 /dev/zero >&2']).pipe(
            tap((e) => {
              if (e.type === 'stderr') passed += e.data.length;
            }),
          );
          const run = outcome(source.pipe(pipeTo('sh', ['-c', `while [ ! -e "${go}" ]; do sleep 0.01; done; exec wc -c`], { from }), collectOutput()));
          const whileAsleep = await readWhileHeld(() => passed, LIMIT);
          writeFileSync(go, '');
          const { events } = await run;
          expect(events[0]!.stdout.trim()).to.equal('100000000');
          expect(whileAsleep, 'bytes read from upstream while downstream did not read').to.be.lessThan(LIMIT);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe('bad input', () => {
    it("refuses a from other than 'stdout', 'stderr' or 'all' with a TypeError at call time", () => {
      for (const from of ['both', 'STDERR', '', 1, null, {}, true]) {
        expect(() => pipeTo('cat', { from } as never), inspect(from)).to.throw(TypeError, /pipeTo: option "from" must be 'stdout', 'stderr' or 'all'/);
        expect(() => pipeTo('cat', [], { from } as never), inspect(from)).to.throw(TypeError, /option "from"/);
      }
      expect(() => pipeTo('cat', { from: 'stdout' })).not.to.throw();
    });

    it('refuses an upstream that does not pipe what from asks for', () => {
      expect(() => spawn$('ls', { stderr: 'inherit' }).pipe(pipeTo('cat', { from: 'stderr' }))).to.throw(TypeError, /sends its stderr elsewhere/);
      expect(() => spawn$('ls', { stdout: 'ignore', stderr: 'ignore' }).pipe(pipeTo('cat', { from: 'all' }))).to.throw(
        TypeError,
        /sends its stdout and stderr elsewhere/,
      );
      // stdout elsewhere is no obstacle to reading stderr
      expect(() => spawn$('ls', { stdout: 'ignore' }).pipe(pipeTo('cat', { from: 'stderr' }))).not.to.throw();
    });

    it("a from: 'stdout' pipeline is what it was (nothing changes without the option)", async () => {
      const { events } = await outcome(spawn$('sh', OUT_AND_ERR).pipe(pipeTo('cat', { from: 'stdout' })));
      expect(output(events)).to.equal('out\n');
      expect(output(events, 'stderr')).to.equal('err\n');
    });
  });
});
