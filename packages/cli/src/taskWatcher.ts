import { watch as chokidar } from 'chokidar';
import { relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { WatchConfig } from './watchSchema.js';
import { whenPathReturns } from './whenPathReturns.js';

/** A running watch of a task's paths (see `watchTask`). */
export interface TaskWatcher {
  /** Resolves once the initial scan is done: a change after that is seen. (Also once `close` is called.) */
  readonly ready: Promise<void>;
  /** Stops watching for good: no `onChange` or `onError` once this is called. Resolves when the watches are released. */
  close(): Promise<void>;
}

/**
 * chokidar passes on at most one change of a file per 50 ms (a second one within that window is dropped,
 * not delayed). The quiet time is kept longer than that window, so that a dropped change always came before
 * the call it belongs to (its window's timer was set first and ends first), and none is lost.
 */
const CHOKIDAR_CHANGE_WINDOW_MS = 50;
const SHORTEST_QUIET_MS = CHOKIDAR_CHANGE_WINDOW_MS + 1;

/**
 * Watches a task's paths; calls onChange (debounced) with the changed paths (relative to baseDir, sorted, unique).
 *
 * Creating, changing, deleting and renaming files and folders count, under the paths at any depth (a new
 * folder's files too). A path matching one of `config.ignore` (globs, matched against the path relative to
 * `baseDir`, dotfiles included), or under a folder that matches, is neither watched nor reported. A burst of
 * changes gives one call, `config.debounce` ms (at least 51) after the last of them; a change during or after
 * a call goes into the next. A watcher error (such as the system's limit of watches, ENOSPC) goes to onError;
 * the watch goes on. An onChange that throws is reported to onError too.
 */
export function watchTask(config: WatchConfig, baseDir: string, onChange: (paths: string[]) => void, onError: (error: Error) => void): TaskWatcher {
  const ignored = ignoreMatcher(config.ignore, baseDir);
  const quiet = Math.max(config.debounce, SHORTEST_QUIET_MS);
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    // A fresh set before the call: what changes while onChange runs is the next call's.
    const paths = [...pending].sort();
    pending = new Set();
    try {
      onChange(paths);
    } catch (error) {
      if (!closed) onError(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const roots = new Set(config.paths.map((path) => resolve(baseDir, path)));
  const returning = new Map<string, () => void>();

  const changed = (path: string): void => {
    pending.add(relative(baseDir, path));
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(flush, quiet);
  };
  /**
   * chokidar forgets a watched path once it is deleted (and, asked to watch it again, misses it when it
   * waits for two in one folder): it is waited for here, then watched anew and reported. What it holds
   * is there from the start, so it is not reported file by file: the path itself is the change.
   */
  const awaitReturn = (root: string): void => {
    if (returning.has(root)) return;
    let over = false; // the wait may end at once (the path is back already), before `stop` is kept
    const stop = whenPathReturns(
      root,
      () => {
        over = true;
        returning.delete(root);
        if (closed) return;
        watcher.add(root);
        changed(root);
      },
      (error) => {
        over = true;
        returning.delete(root);
        if (!closed) onError(new Error(`cannot wait for ${root} to come back: ${error.message}`));
      },
    );
    if (!over) returning.set(root, stop);
  };
  const watcher = chokidar(
    [...roots],
    // ignoreInitial: the files there at the start are not changes. atomic (the default) is kept: an editor's
    // save by a temporary file and a rename is one change of the file, not a delete and a create.
    { ignoreInitial: true, ignored: (path) => ignored(path) },
  );
  watcher.on('all', (event, path) => {
    // chokidar checks `ignored` when it reads a folder; checked again here, for every event it passes on.
    if (closed || ignored(path)) return;
    if ((event === 'unlink' || event === 'unlinkDir') && roots.has(path)) awaitReturn(path);
    changed(path);
  });
  watcher.on('error', (error) => {
    if (!closed) onError(error instanceof Error ? error : new Error(String(error)));
  });

  let closing: Promise<void> | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((done) => {
    markReady = done;
    watcher.once('ready', done);
  });
  return {
    ready,
    close() {
      if (closing === undefined) {
        closed = true;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        pending.clear();
        for (const stop of returning.values()) stop();
        returning.clear();
        markReady();
        closing = watcher.close();
      }
      return closing;
    },
  };
}

/**
 * Whether a path (absolute, or relative to `baseDir`) is ignored: it, or a folder above it up to `baseDir`,
 * matches one of the globs, as a path relative to `baseDir` with "/" between its parts.
 */
function ignoreMatcher(globs: readonly string[], baseDir: string): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const matches = picomatch([...globs], { dot: true });
  return (path) => {
    const rel = relative(baseDir, resolve(baseDir, path));
    // baseDir itself ('') has no relative path to match: a glob ignores what is in it, not the folder.
    if (rel === '') return false;
    const parts = rel.split(sep);
    return parts.some((_, i) => matches(parts.slice(0, i + 1).join('/')));
  };
}
