import { expect } from 'chai';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, lastValueFrom, map, of, tap, toArray } from 'rxjs';
import { collectOutput, lines, pipeTo, ProcessExitError, ProcessObservable, SpawnError, spawn$, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { outcome, readWhileHeld } from '../support/outcome.js';
import { eventually, isAlive } from '../support/processes.js';

const linesOf = async (source: ReturnType<typeof spawn$> | import('rxjs').Observable<ProcessEvent>): Promise<string[]> =>
  lastValueFrom(source.pipe(lines(), toArray()));

/** What the JS path may read ahead of a downstream that does not read. */
const LIMIT = 16 * 1024 * 1024;

describe('pipeTo', () => {
  describe('between processes (kernel pipe)', () => {
    it('pipes one process into another', async () => {
      const sorted$ = spawn$('printf', ['b\\na\\nc\\n']).pipe(pipeTo('sort'));
      expect(sorted$).to.be.instanceOf(ProcessObservable);
      expect((sorted$ as ProcessObservable).stages.map((s) => s.command)).to.deep.equal(['printf', 'sort']);
      expect(await linesOf(sorted$)).to.deep.equal(['a', 'b', 'c']);
    });

    it("hands the upstream's stdout to the downstream as its stdin: the same kernel object, nothing through JS", async () => {
      const pids: number[] = [];
      const links: string[] = [];
      const upstream = spawn$('sh', ['-c', 'echo $$ >&2; exec sleep 30']);
      const sub = upstream.pipe(pipeTo('sh', ['-c', 'echo $$; exec sleep 30'])).subscribe((event) => {
        if (event.type === 'stderr') pids.unshift(Number(event.data.toString()));
        if (event.type === 'stdout') pids.push(Number(event.data.toString()));
      });
      try {
        await eventually(() => pids.length === 2);
        links.push(readlinkSync(`/proc/${pids[0]}/fd/1`), readlinkSync(`/proc/${pids[1]}/fd/0`));
      } finally {
        sub.unsubscribe();
      }
      expect(links[0]).to.match(/^socket:\[\d+\]$|^pipe:\[\d+\]$/);
      // the two ends of one socketpair have consecutive inode numbers; a JS relay would add a third party
      const [a, b] = links.map((link) => Number(/\[(\d+)\]/.exec(link)![1]));
      expect(Math.abs(a! - b!)).to.equal(1);
      expect(await eventually(() => !pids.some(isAlive))).to.equal(true);
    });

    it('a downstream that exits early ends the pipeline successfully and stops the upstream', async () => {
      expect(await linesOf(spawn$('yes').pipe(pipeTo('head', ['-n', '2'])))).to.deep.equal(['y', 'y']);
      expect(await linesOf(spawn$('seq', ['1', '1000000000']).pipe(pipeTo('head', ['-n1'])))).to.deep.equal(['1']);
    });

    it("never reads a handed-over stdout, even while the writer's group outlives it", async () => {
      // The writer exits, but a background job keeps its group alive: the host must not drain the pipe.
      const writer = spawn$('sh', ['-c', 'head -c 50000 /dev/zero; (trap "" TERM; sleep 2) >/dev/null 2>&1 &'], { killTimeout: 1000 });
      const { events } = await outcome(writer.pipe(pipeTo('sh', ['-c', 'sleep 0.3; wc -c']), collectOutput()));
      expect(events[0]!.stdout.trim()).to.equal('50000');
    });

    it('chains: yes | head -n 5 | wc -l', async () => {
      const count$ = spawn$('yes').pipe(pipeTo('head', ['-n', '5']), pipeTo('wc', ['-l']));
      expect((count$ as ProcessObservable).stages).to.have.length(3);
      expect((await linesOf(count$)).map((l) => l.trim())).to.deep.equal(['5']);
    });

    it('pipefail: an upstream stage that fails on its own fails the pipeline with its error', async () => {
      for (let round = 0; round < 20; round++) {
        const { error } = await outcome(spawn$('sh', ['-c', 'echo partial; exit 3']).pipe(pipeTo('cat')));
        expect(error, `round ${round}`).to.be.instanceOf(ProcessExitError).and.include({ command: 'sh', exitCode: 3 });
      }
      const { error } = await outcome(spawn$('cat', ['/no/such/file']).pipe(pipeTo('wc', ['-l'])));
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ command: 'cat', exitCode: 1 });
      expect((error as Error).message).to.match(/^Command failed with exit code 1: cat \/no\/such\/file\ncat: .*No such file/);
    });

    it('the last stage failing fails the pipeline', async () => {
      const { error, events } = await outcome(spawn$('echo', ['x']).pipe(pipeTo('sh', ['-c', 'cat >/dev/null; exit 5'])));
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 5 });
      expect(events.at(-1)).to.deep.include({ type: 'exit', exitCode: 5 });
    });

    it("emits every stage's spawn and exit (with its stage), the last stage's stdout, and every stage's stderr", async () => {
      const { events } = await outcome(spawn$('sh', ['-c', 'echo one >&2; echo data']).pipe(pipeTo('sh', ['-c', 'cat; echo two >&2'])));
      const types = events.map((e) => e.type);
      expect(types[0]).to.equal('spawn');
      expect(types.at(-1)).to.equal('exit');
      const staged = events.flatMap((e) => (e.type === 'spawn' || e.type === 'exit' ? [`${e.type} ${e.stage}`] : []));
      expect(staged).to.deep.equal(['spawn 0', 'spawn 1', 'exit 0', 'exit 1']);
      expect((events[1] as { pid: number }).pid).to.equal((events.at(-1) as { pid: number }).pid);
      const stderr = events.flatMap((e) => (e.type === 'stderr' ? [e.data.toString()] : [])).join('');
      expect(stderr.split('\n').sort()).to.deep.equal(['', 'one', 'two']);
      const { events: collected } = await outcome(
        spawn$('sh', ['-c', 'echo one >&2; echo data']).pipe(pipeTo('sh', ['-c', 'cat; echo two >&2']), collectOutput()),
      );
      expect(collected[0]!.stdout).to.equal('data\n');
    });

    it('unsubscribing kills every process of the pipeline', async () => {
      const pids: number[] = [];
      const sub = spawn$('sh', ['-c', 'echo $$ >&2; exec sleep 30'])
        .pipe(pipeTo('sh', ['-c', 'echo $$ >&2; exec sleep 30']))
        .subscribe((e) => {
          if (e.type === 'stderr') pids.push(Number(e.data.toString()));
        });
      await eventually(() => pids.length === 2);
      sub.unsubscribe();
      expect(await eventually(() => !pids.some(isAlive))).to.equal(true);
    });

    it('a stage that cannot start fails the pipeline with its SpawnError, and the others are stopped', async () => {
      const { error } = await outcome(spawn$('sleep', ['30']).pipe(pipeTo('rxproc-no-such-command')));
      expect(error).to.be.instanceOf(SpawnError).and.include({ code: 'ENOENT', command: 'rxproc-no-such-command' });
    });

    it('checks its arguments when called or applied', () => {
      expect(() => pipeTo('cat', { stdin: 'x' } as never)).to.throw(TypeError, /"stdin" cannot be used/);
      expect(() => pipeTo('cat', { nope: 1 } as never)).to.throw(TypeError, /pipeTo: unknown option "nope"/);
      expect(() => spawn$('ls', { stdout: 'ignore' }).pipe(pipeTo('cat'))).to.throw(TypeError, /sends its stdout elsewhere/);
    });
  });

  describe('through JavaScript (any other source)', () => {
    it('pipes the stdout of a process behind other operators', async () => {
      const source = spawn$('printf', ['b\\na\\n']).pipe(filter((e) => e.type !== 'stderr'));
      expect(await linesOf(source.pipe(pipeTo('sort')))).to.deep.equal(['a', 'b']);
    });

    it('pipes plain strings and bytes', async () => {
      expect(await linesOf(of('b\n', Buffer.from('a\n')).pipe(pipeTo('sort')))).to.deep.equal(['a', 'b']);
    });

    it('holds the upstream process back while the downstream is not reading (bounded memory)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-hold-'));
      try {
        // The downstream reads nothing until `go` exists: the test decides when, not a sleep.
        const go = join(dir, 'go');
        let passed = 0;
        const source = spawn$('head', ['-c', '200000000', '/dev/zero']).pipe(
          tap((e) => {
            if (e.type === 'stdout') passed += e.data.length;
          }),
        );
        const run = outcome(source.pipe(pipeTo('sh', ['-c', `while [ ! -e "${go}" ]; do sleep 0.01; done; exec wc -c`]), collectOutput()));
        const whileAsleep = await readWhileHeld(() => passed, LIMIT);
        writeFileSync(go, '');
        const { events } = await run;
        expect(events[0]!.stdout.trim()).to.equal('200000000');
        expect(whileAsleep, 'bytes read from upstream while downstream did not read').to.be.lessThan(LIMIT);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("an upstream failure fails the pipeline with the upstream's error", async () => {
      const source = spawn$('sh', ['-c', 'echo a; sleep 0.05; exit 7']).pipe(map((e) => e));
      const { error } = await outcome(source.pipe(pipeTo('cat')));
      expect(error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 7, command: 'sh' });
    });

    it('a downstream that exits early stops the upstream: success', async () => {
      const source = spawn$('yes').pipe(map((e) => e));
      expect(await linesOf(source.pipe(pipeTo('head', ['-n', '1'])))).to.deep.equal(['y']);
    });

    it('a value that is neither a chunk nor an event fails the pipeline with a TypeError', async () => {
      const { error } = await outcome(of<unknown>(42).pipe(pipeTo('cat') as never));
      expect(error).to.be.instanceOf(TypeError).with.property('message').that.includes('pipeTo: expected a process event');
    });
  });
});
