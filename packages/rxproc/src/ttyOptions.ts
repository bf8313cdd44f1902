/** The size of the terminal that `tty` gives a process. */
export interface TtySize {
  /** Columns, an integer from 1 to 65535. Default `80`. */
  readonly cols?: number;
  /** Rows, an integer from 1 to 65535. Default `24`. */
  readonly rows?: number;
}

/**
 * The `tty` option of `SpawnOptions`: run the process in a pseudo-terminal. See docs/tty.md.
 *
 * @example
 * ```ts
 * import { spawn$, type TtyOptions } from 'rxproc';
 *
 * const terminal: TtyOptions = { tty: { cols: 120, rows: 40 } };
 * spawn$('sh', ['-c', 'stty size'], terminal).subscribe((event) => {
 *   if (event.type === 'stdout') console.log(event.data.toString()); // "40 120\r\n"
 * });
 * ```
 */
export interface TtyOptions {
  /**
   * Run the process in a pseudo-terminal (`true`, 80×24, or its size), for programs that behave
   * differently without one: colours, progress bars, line-buffered output, prompts. The terminal's output
   * arrives as `stdout` events: a terminal has one output, so **stderr is merged into stdout** (no `stderr`
   * event), with the terminal's line endings (`\r\n`). The `stdin` option is typed into the terminal (and
   * echoed back, as a terminal does); when its source ends, rxproc types end-of-file (Ctrl-D); without
   * `stdin` nothing is typed and the terminal stays open. The process leads its own session and process
   * group, so every guarantee of termination holds: unsubscribing sends `killSignal` to the group, then
   * `SIGKILL` after `killTimeout`; the host's exit hook, `watchdog` and `liveProcessCount()` cover it.
   *
   * Needs the optional package `@lydell/node-pty` (prebuilt binaries, no compiler), loaded the first time
   * a process has `tty`: without it the Observable errors with a `SpawnError` saying what to install.
   * Refused (a `TypeError` at call time) with `host`, `ipc`, `argv0`, `stdin: 'inherit'`, `stdout` or
   * `stderr` other than `'pipe'`, and on a process whose output `pipeTo` hands to the next process. The
   * terminal's output is not held back by a consumer's backpressure. Default `false`.
   *
   * @example
   * ```ts
   * import { spawn$, lines } from 'rxproc';
   *
   * // `test -t 1` is true only on a terminal: prints "terminal".
   * spawn$('sh', ['-c', 'test -t 1 && echo terminal || echo pipe'], { tty: true }).pipe(lines())
   *   .subscribe((line) => console.log(line));
   * ```
   */
  readonly tty?: boolean | TtySize;
}
