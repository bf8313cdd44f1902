import { expect } from 'chai';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { watchTask, type TaskWatcher } from '../../packages/cli/src/taskWatcher.js';
import type { WatchConfig } from '../../packages/cli/src/watchSchema.js';

/** How long a change may take to be seen: inotify and the event loop are slow under load, never this slow. */
const DEADLINE_MS = 20_000;

/** What a watcher reported, and a way to wait for what comes next. */
interface Watched {
  readonly watcher: TaskWatcher;
  readonly calls: string[][];
  readonly errors: Error[];
  /** The call after the `n`th (0: the first), once it has come. */
  call(n: number): Promise<string[]>;
  /** The calls from the `from`th on, once their paths together include all of `paths`. */
  until(paths: string[], from?: number): Promise<string[][]>;
}

describe('watchTask: a task’s files, watched (chokidar)', function () {
  this.timeout(60_000);
  let dir: string;
  const open: TaskWatcher[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxproc-watch-'));
    write('src/a.ts', 'a');
    write('src/b.ts', 'b');
    write('config.json', '{}');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((w) => w.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  function write(path: string, text = String(Math.random())): void {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }

  /** A watcher of `dir`, ready (its initial scan done), recording its calls. */
  async function watching(config: Partial<WatchConfig> = {}, onCall: (paths: string[]) => void = () => undefined): Promise<Watched> {
    const calls: string[][] = [];
    const errors: Error[] = [];
    let wake = (): void => undefined;
    const full: WatchConfig = { paths: ['src', 'config.json'], ignore: [], debounce: 100, ...config };
    const watcher = watchTask(
      full,
      dir,
      (paths) => {
        calls.push(paths);
        onCall(paths);
        wake();
      },
      (error) => errors.push(error),
    );
    open.push(watcher);
    await watcher.ready;
    const waitFor = async <T>(done: () => T | undefined, what: string): Promise<T> => {
      const deadline = Date.now() + DEADLINE_MS;
      for (;;) {
        const value = done();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`not seen within ${DEADLINE_MS} ms: ${what}; calls: ${JSON.stringify(calls)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    };
    return {
      watcher,
      calls,
      errors,
      call: (n) => waitFor(() => calls[n], `call #${n + 1}`),
      until: (paths, from = 0) => waitFor(() => (paths.every((p) => calls.slice(from).flat().includes(p)) ? calls.slice(from) : undefined), paths.join(', ')),
    };
  }

  it('a changed file: one call, with its path relative to the task file’s folder', async () => {
    const w = await watching();
    write('src/a.ts');
    expect(await w.call(0)).to.deep.equal(['src/a.ts']);
    // The next change is the second call: the first change made no other.
    write('config.json');
    expect(await w.call(1)).to.deep.equal(['config.json']);
    expect(w.calls).to.have.length(2);
    expect(w.errors).to.deep.equal([]);
  });

  it('a burst of changes: one call with all their paths, sorted and unique, after the quiet time', async () => {
    // A quiet time far longer than the writes take, however loaded the machine.
    const w = await watching({ debounce: 2000 });
    for (let i = 0; i < 3; i++) for (const path of ['src/b.ts', 'config.json', 'src/a.ts', 'src/new.ts']) write(path);
    expect(await w.call(0)).to.deep.equal(['config.json', 'src/a.ts', 'src/b.ts', 'src/new.ts']);
    write('src/a.ts');
    expect(await w.call(1)).to.deep.equal(['src/a.ts']);
  });

  it('ignored paths never trigger; a folder that matches is ignored whole; dotfiles are not ignored by default', async () => {
    write('src/build/old.js');
    write('src/deep/er/kept.ts'); // so that the log below is a new file in a folder there already
    const w = await watching({ ignore: ['**/*.log', 'src/build', 'src/gen'], debounce: 500 });
    write('src/debug.log');
    write('src/deep/er/trace.log');
    write('src/build/old.js');
    write('src/build/sub/new.js');
    write('src/gen/made.ts'); // a folder created after the start, ignored by its name
    // The positive control: a watched change after them is reported, and alone.
    write('src/.env');
    expect(await w.call(0)).to.deep.equal(['src/.env']);
    write('src/a.ts');
    expect(await w.call(1)).to.deep.equal(['src/a.ts']);
  });

  it('a new folder’s files are seen, and watched from then on', async () => {
    const w = await watching();
    write('src/sub/deep/c.ts');
    await w.until(['src/sub/deep/c.ts']);
    const before = w.calls.length;
    write('src/sub/deep/c.ts', 'changed');
    expect(await w.call(before)).to.deep.equal(['src/sub/deep/c.ts']);
  });

  it('deleting and renaming files and folders count', async () => {
    write('src/old/x.ts');
    write('src/gone/y.ts');
    const w = await watching();
    renameSync(join(dir, 'src/a.ts'), join(dir, 'src/renamed.ts'));
    unlinkSync(join(dir, 'src/b.ts'));
    renameSync(join(dir, 'src/old'), join(dir, 'src/new'));
    rmSync(join(dir, 'src/gone'), { recursive: true });
    await w.until(['src/a.ts', 'src/renamed.ts', 'src/b.ts', 'src/old', 'src/new', 'src/gone']);
    // The renamed folder's file is watched under its new name.
    const before = w.calls.length;
    write('src/new/x.ts');
    expect(await w.call(before)).to.deep.equal(['src/new/x.ts']);
  });

  it('a watched path deleted, then made anew, is watched again (a file and a folder)', async () => {
    const w = await watching();
    unlinkSync(join(dir, 'config.json'));
    rmSync(join(dir, 'src'), { recursive: true });
    await w.until(['config.json', 'src']);
    let before = w.calls.length;
    write('config.json');
    mkdirSync(join(dir, 'src'));
    await w.until(['config.json', 'src'], before);
    before = w.calls.length;
    // Both are watched as before: a change in each.
    write('config.json');
    write('src/fresh.ts');
    const after = await w.until(['config.json', 'src/fresh.ts'], before);
    expect(after.flat().sort()).to.deep.equal(['config.json', 'src/fresh.ts']);
    expect(w.errors).to.deep.equal([]);
  });

  it('a watched folder whose folder above went too is waited for, as its folders come back', async () => {
    write('nest/lib/x.ts');
    const w = await watching({ paths: ['nest/lib'] });
    rmSync(join(dir, 'nest'), { recursive: true });
    await w.until(['nest/lib']);
    let before = w.calls.length;
    mkdirSync(join(dir, 'nest'));
    mkdirSync(join(dir, 'nest/other')); // not the path waited for
    mkdirSync(join(dir, 'nest/lib'));
    expect((await w.until(['nest/lib'], before)).flat()).to.deep.equal(['nest/lib']);
    before = w.calls.length;
    write('nest/lib/y.ts');
    expect(await w.call(before)).to.deep.equal(['nest/lib/y.ts']);
    expect(w.errors).to.deep.equal([]);
  });

  it('a change made while onChange runs is reported in the next call', async () => {
    let first = true;
    const w = await watching({}, () => {
      if (first) write('src/b.ts');
      first = false;
    });
    write('src/a.ts');
    expect(await w.call(0)).to.deep.equal(['src/a.ts']);
    expect(await w.call(1)).to.deep.equal(['src/b.ts']);
  });

  it('close: no call once it is called, even for a change already waiting for its quiet time', async () => {
    // The closed watcher waits long; a control, open all along, reports each change sooner.
    const closing = await watching({ debounce: 1500 });
    const control = await watching({ debounce: 100 });
    write('src/a.ts');
    await control.call(0); // the closing watcher has this change too, waiting for its quiet time
    const closed = closing.watcher.close();
    write('src/b.ts');
    await closed;
    write('config.json');
    await control.until(['src/b.ts', 'config.json']);
    // Longer than the closed watcher's quiet time after each change: a call it had kept would have come.
    // (On a machine slow enough, this could pass without proving anything, never fail wrongly.)
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(closing.calls).to.deep.equal([]);
    expect(closing.errors).to.deep.equal([]);
    await closing.watcher.close(); // a second close is the same close
  });

  it('ready resolves when the watcher is closed before its scan ends; an onChange that throws goes to onError', async () => {
    const early = watchTask(
      { paths: ['src'], ignore: [], debounce: 0 },
      dir,
      () => undefined,
      () => undefined,
    );
    await early.close();
    await early.ready;
    const errors: Error[] = [];
    const throwing = watchTask(
      { paths: ['src'], ignore: [], debounce: 0 },
      dir,
      () => {
        throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    open.push(throwing);
    await throwing.ready;
    write('src/a.ts');
    const deadline = Date.now() + DEADLINE_MS;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors.map((e) => e.message)).to.deep.equal(['boom']);
  });
});
