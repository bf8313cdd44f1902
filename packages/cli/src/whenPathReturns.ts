import { existsSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Calls `onBack` once, when `path` (deleted) exists again, watching the nearest folder above it that exists
 * (its own folder, unless that went too: then the one above, and nearer as folders come back). Returns a
 * function that stops waiting. A folder that cannot be watched goes to `onError`, and the wait ends.
 */
export function whenPathReturns(path: string, onBack: () => void, onError: (error: Error) => void): () => void {
  let folder: FSWatcher | undefined;
  let watched: string | undefined;
  let over = false;
  const stop = (): void => {
    over = true;
    folder?.close();
    folder = undefined;
  };
  const fail = (error: unknown): void => {
    stop();
    onError(error instanceof Error ? error : new Error(String(error)));
  };
  // Any event of the folder is a reason to look: a name may not be given, and a folder on the way counts too.
  const check = (): void => {
    if (over) return;
    if (existsSync(path)) {
      stop();
      return onBack();
    }
    const nearest = nearestFolder(path);
    if (nearest === watched) return;
    folder?.close();
    try {
      folder = watch(nearest, check);
      folder.on('error', fail);
      watched = nearest;
    } catch (error) {
      return fail(error);
    }
    // What happened before this folder was watched.
    check();
  };
  check();
  return stop;
}

/** The nearest folder above `path` that exists (at worst the file system's root). */
function nearestFolder(path: string): string {
  let folder = dirname(path);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}
