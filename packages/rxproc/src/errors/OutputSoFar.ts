/**
 * The output a process had given when it failed, as `collectOutput` had collected it: in the chosen
 * `encoding` (strings, or Buffers with `'buffer'`), at most `maxBuffer` bytes of each stream. Found on
 * `error.output` of a `ProcessError` or an `OutputLimitError` that passed through `collectOutput`.
 *
 * @example
 * ```ts
 * import { spawn$, collectOutput, ProcessError, type OutputSoFar } from 'rxproc';
 *
 * const show = (output: OutputSoFar | undefined) => console.error(output?.all);
 * spawn$('npm', ['test']).pipe(collectOutput({ all: true })).subscribe({
 *   error: (err) => show(err instanceof ProcessError ? err.output : undefined),
 * });
 * ```
 */
export interface OutputSoFar {
  readonly stdout: string | Buffer;
  readonly stderr: string | Buffer;
  /** stdout and stderr in the order they were read; only with `collectOutput({ all: true })`. */
  readonly all?: string | Buffer;
}
