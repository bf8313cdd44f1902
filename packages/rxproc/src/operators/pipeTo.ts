import { Observable, type OperatorFunction } from 'rxjs';
import type { ProcessEvent } from '../events.js';
import type { SpawnOptions } from '../options.js';
import { ProcessObservable } from '../processObservable.js';
import { toBuffer, type ChunkOrEvent } from '../internal/io/chunks.js';
import { parseCommand } from '../internal/options/parseCommand.js';

/** Options of {@link pipeTo}: those of `spawn$`, but for `stdin`, which is the upstream's output. */
export type PipeToOptions = Omit<SpawnOptions, 'stdin'>;

/**
 * Pipes the upstream's stdout into a new process, as a shell's `|` does, and emits that process's events.
 *
 * Directly on a process (`spawn$(…).pipe(pipeTo(…))`, and chains of `pipeTo`), the two processes are
 * connected by a kernel pipe: the bytes never enter JavaScript. On any other source (other operators in
 * between, or a plain stream of strings or bytes), the chunks are written through JavaScript with
 * backpressure: processes at the source are paused while the new process's stdin is full.
 *
 * @example
 * ```ts
 * import { spawn$, pipeTo, lines } from 'rxproc';
 *
 * spawn$('printf', ['b\na\nc\n']).pipe(pipeTo('sort'), pipeTo('head', ['-n', '2']), lines())
 *   .subscribe((line) => console.log(line)); // a, b
 * ```
 *
 * @param command The program, as for `spawn$`.
 * @param args Its arguments.
 * @param options `spawn$`'s options, except `stdin`.
 * @returns An operator whose Observable emits the new process's `spawn`, `stdout`, `exit`, and the stderr
 *   of every process of the pipeline. It fails with the error of any stage that fails on its own (pipefail);
 *   a stage that exits early (`head`) stops the stages feeding it, whose outcome then does not count.
 *   Unsubscribing kills every process of the pipeline.
 * @throws TypeError at call time for invalid arguments or options, or when the upstream process does not
 *   pipe its stdout.
 */
export function pipeTo(command: string, args?: readonly string[], options?: PipeToOptions): OperatorFunction<ChunkOrEvent, ProcessEvent>;
export function pipeTo(command: string, options?: PipeToOptions): OperatorFunction<ChunkOrEvent, ProcessEvent>;
export function pipeTo(
  command: string,
  argsOrOptions?: readonly string[] | PipeToOptions,
  maybeOptions?: PipeToOptions,
): OperatorFunction<ChunkOrEvent, ProcessEvent> {
  const stage = { command, ...parseCommand('pipeTo', command, argsOrOptions, maybeOptions) };
  if (stage.options.stdin !== undefined) {
    throw new TypeError(`pipeTo: option "stdin" cannot be used: the process reads the upstream's output`);
  }
  return (source) => {
    if (source instanceof ProcessObservable) {
      const upstream = source.stages[source.stages.length - 1]!;
      if (upstream.options.stdout !== 'pipe') {
        throw new TypeError(`pipeTo: the upstream process ${upstream.command} sends its stdout elsewhere (stdout option), so there is nothing to pipe`);
      }
      const stages = [...source.stages, stage];
      if (stages.some((s) => s.options.stop !== undefined) && stages.some((s) => s.options.host !== undefined)) {
        throw new TypeError(
          `pipeTo: option "stop" cannot be used in a pipeline with a remote stage ("host"): a remote process cannot yet be stopped with its output still delivered`,
        );
      }
      return new ProcessObservable(stages);
    }
    return new Observable<ProcessEvent>((subscriber) => {
      // The source is subscribed by the new process once it runs (as its stdin); its stderr is passed on.
      const stdin = new Observable<Uint8Array>((feeder) =>
        source.subscribe({
          next: (value) => {
            if (typeof value === 'object' && !(value instanceof Uint8Array) && value.type === 'stderr') {
              subscriber.next(value as ProcessEvent);
            }
            const chunk = toBuffer(value, 'stdout');
            if (chunk instanceof TypeError) feeder.error(new TypeError(`pipeTo: ${chunk.message}`));
            else if (chunk !== undefined) feeder.next(chunk);
          },
          error: (error: unknown) => feeder.error(error),
          complete: () => feeder.complete(),
        }),
      );
      return new ProcessObservable([{ ...stage, options: { ...stage.options, stdin } }]).subscribe(subscriber);
    });
  };
}
