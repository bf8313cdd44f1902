import { inspect } from 'node:util';
import { Observable } from 'rxjs';
import type { ProcessEvent } from './events.js';
import type { SpawnOptions } from './options.js';
import { ProcessRun } from './internal/processRun.js';
import { validateOptions, type ResolvedOptions } from './internal/validateOptions.js';

/**
 * A process as a cold Observable, as returned by {@link spawn$}. It is an ordinary RxJS Observable; it also
 * says what it runs, so that operators can recognise a process source (and, for instance, connect two
 * processes with a kernel pipe). Create it with `spawn$`, not with `new`.
 *
 * @example
 * ```ts
 * import { spawn$, ProcessObservable } from 'rxproc';
 *
 * const make$ = spawn$('make', ['-j4'], { cwd: 'build' });
 * console.log(make$ instanceof ProcessObservable, make$.command, make$.args, make$.options.killSignal);
 * // true make [ '-j4' ] SIGTERM
 * ```
 */
export class ProcessObservable extends Observable<ProcessEvent> {
  /** The options, checked and with their defaults. */
  readonly options: Readonly<ResolvedOptions>;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    options: ResolvedOptions,
  ) {
    super((subscriber) => new ProcessRun(subscriber, { command, args, options }).start());
    this.options = options;
  }
}

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
export function spawn$(
  command: string,
  argsOrOptions?: readonly string[] | SpawnOptions,
  maybeOptions?: SpawnOptions,
): ProcessObservable {
  const where = 'spawn$';
  if (typeof command !== 'string' || command === '') {
    throw new TypeError(`${where}: the command must be a non-empty string, got ${describe(command)}`);
  }
  let args: readonly string[] = [];
  let options = maybeOptions;
  if (Array.isArray(argsOrOptions)) args = argsOrOptions;
  else if (isPlainObject(argsOrOptions) && maybeOptions === undefined) options = argsOrOptions as SpawnOptions;
  else if (argsOrOptions !== undefined) {
    throw new TypeError(`${where}: the arguments must be an array of strings, got ${describe(argsOrOptions)}`);
  }
  const bad = args.findIndex((arg) => typeof arg !== 'string');
  if (bad >= 0) throw new TypeError(`${where}: argument ${bad + 1} must be a string, got ${describe(args[bad])}`);
  return new ProcessObservable(command, Object.freeze([...args]), validateOptions(where, options));
}

function describe(value: unknown): string {
  return `${value === null ? 'null' : typeof value} ${inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 60 })}`;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
