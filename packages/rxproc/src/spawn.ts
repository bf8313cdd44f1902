import type { SpawnOptions } from './options.js';
import { ProcessObservable } from './processObservable.js';
import { parseCommand } from './internal/options/parseCommand.js';

/**
 * Runs a command as a cold Observable of {@link ProcessEvent}s: each subscription spawns the process (no
 * shell), unsubscribing kills it and everything it started.
 *
 * @example
 * ```ts
 * import { spawn$ } from 'rxproc';
 *
 * spawn$('ls', ['-l'], { cwd: '/tmp' }).subscribe({
 *   next: (event) => {
 *     if (event.type === 'stdout') process.stdout.write(event.data);
 *   },
 *   complete: () => console.log('done'),
 *   error: (err) => console.error(err.message),
 * });
 * ```
 *
 * @param command The program: a name looked up in the `PATH`, or a path.
 * @param args The arguments, passed as they are (no shell, no quoting needed).
 * @param options See {@link SpawnOptions}.
 * @returns An Observable that emits `spawn`, then `stdout`/`stderr` chunks, then `exit`, and completes when
 *   the exit code is in `successExitCodes` (default `[0]`). It errors with a `SpawnError` when the process
 *   cannot start, a `ProcessExitError` when it fails or is killed by a signal, a `ProcessTimeoutError` when
 *   it exceeds `timeout`. Unsubscribing sends `killSignal` to the process group and `SIGKILL` after
 *   `killTimeout`; nothing is emitted after it.
 * @throws TypeError at call time (never at subscription) when `command`, `args` or an option is invalid.
 */
export function spawn$(command: string, args?: readonly string[], options?: SpawnOptions): ProcessObservable;
export function spawn$(command: string, options?: SpawnOptions): ProcessObservable;
export function spawn$(command: string, argsOrOptions?: readonly string[] | SpawnOptions, maybeOptions?: SpawnOptions): ProcessObservable {
  const { args, options } = parseCommand('spawn$', command, argsOrOptions, maybeOptions);
  return new ProcessObservable([{ command, args, options }]);
}
