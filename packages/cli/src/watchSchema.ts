// A task's `watch` key as the task file gives it, checked by zod and normalised to one shape.
import { z } from 'zod';
import { ms } from './probeSchema.js';

/** What a task watches, normalised: the paths (relative to the task file's folder), the ignore globs and the quiet time. */
export interface WatchConfig {
  readonly paths: string[];
  readonly ignore: string[];
  readonly debounce: number;
}

/** The quiet time after the last change, by default: long enough to take an editor's save (several writes) as one. */
export const DEFAULT_DEBOUNCE_MS = 200;

const nonEmpty = z.string().min(1);
/** One string or a list of at least one (`paths`). */
const oneOrMore = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
/** One string or a list, which may be empty (`ignore: []`, as good as none). */
const oneOrNone = z.union([nonEmpty, z.array(nonEmpty)]);
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : value);

/**
 * `watch`: files or folders whose changes restart the task, as a path, a list of paths, or a map with
 * `paths`, `ignore` (globs) and `debounce` (ms). The paths are on this machine, also for a task with
 * `host`: they are the sources the task runs from (copied, mounted or built from), not the remote files.
 * Whether each path exists is checked with the file (see checkWatchPaths.ts), not here.
 */
export const watch = z
  // One flat union (not the list's union inside): a value of no form is told all three shapes at once.
  .union([...oneOrMore.options, z.strictObject({ paths: oneOrMore, ignore: oneOrNone.optional(), debounce: ms(0).optional() })])
  .transform((value): WatchConfig =>
    typeof value === 'string' || Array.isArray(value)
      ? { paths: list(value), ignore: [], debounce: DEFAULT_DEBOUNCE_MS }
      : { paths: list(value.paths), ignore: list(value.ignore), debounce: value.debounce ?? DEFAULT_DEBOUNCE_MS },
  );
