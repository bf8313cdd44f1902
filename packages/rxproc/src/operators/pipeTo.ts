import { Observable, type OperatorFunction } from 'rxjs';
import type { ExitEvent, ProcessEvent, SpawnEvent } from '../events.js';
import type { SpawnOptions } from '../options.js';
import { ProcessObservable } from '../processObservable.js';
import { toBuffer, type ChunkOrEvent } from '../internal/io/chunks.js';
import { currentFlowGate, holdStderrToo } from '../internal/io/flowGate.js';
import { parseCommand } from '../internal/options/parseCommand.js';
import { takePipeFrom } from '../internal/options/pipeFrom.js';
import type { StageSpec } from '../internal/options/stageSpec.js';

/** Options of {@link pipeTo}: those of `spawn$`, but for `stdin`, which is the upstream's output. */
export type PipeToOptions = Omit<SpawnOptions, 'stdin'> & {
  /**
   * Which output of the upstream to read: `'stdout'` (the default, a shell's `|`), `'stderr'` (the shell's
   * `2>&1 >/dev/null |`: the upstream's stdout, when piped, goes to /dev/null) or `'all'` (bash's `|&`:
   * both, in the order they were read). The stream read is no longer emitted as the upstream's events.
   */
  readonly from?: 'stdout' | 'stderr' | 'all';
};

/**
 * Pipes the upstream's stdout into a new process, as a shell's `|` does, and emits that process's events.
 * With `{ from: 'stderr' }` it pipes the upstream's stderr instead, with `{ from: 'all' }` both.
 *
 * Directly on a process (`spawn$(…).pipe(pipeTo(…))`, and chains of `pipeTo`), the two processes are
 * connected by a kernel pipe: the bytes never enter JavaScript. On any other source (other operators in
 * between, or a plain stream of strings or bytes), the chunks are written through JavaScript with
 * backpressure: processes at the source are paused while the new process's stdin is full. `from: 'stderr'`
 * on a local process hands its stderr over by a kernel pipe too; `from: 'all'` (Node cannot give one pipe
 * to two of a child's fds) and `from: 'stderr'` on a remote process go through JavaScript, with
 * backpressure on both streams.
 *
 * @example
 * ```ts
 * import { spawn$, pipeTo, lines } from 'rxproc';
 *
 * spawn$('printf', ['b\na\nc\n']).pipe(pipeTo('sort'), pipeTo('head', ['-n', '2']), lines())
 *   .subscribe((line) => console.log(line)); // a, b
 *
 * // Count the warnings a build prints on stderr.
 * spawn$('sh', ['-c', 'echo built; echo warning: x >&2']).pipe(pipeTo('grep', ['-c', 'warning'], { from: 'stderr' }), lines())
 *   .subscribe((count) => console.log(count)); // 1
 * ```
 *
 * @param command The program, as for `spawn$`.
 * @param args Its arguments.
 * @param options `spawn$`'s options, except `stdin`, and `from`.
 * @returns An operator whose Observable emits the new process's `spawn`, `stdout`, `exit`, and the stderr
 *   of every process of the pipeline (but what a stage reads). Over kernel pipes, every stage's `spawn`
 *   and `exit` carry its `stage` index (0 for the first); the last event is the last stage's `exit`. It fails with the error of any stage that fails on its own (pipefail);
 *   a stage that exits early (`head`) stops the stages feeding it, whose outcome then does not count.
 *   Unsubscribing kills every process of the pipeline.
 * @throws TypeError at call time for invalid arguments or options (`from` other than `'stdout'`,
 *   `'stderr'` or `'all'`), or when the upstream process does not pipe what `from` asks for.
 */
export function pipeTo(command: string, args?: readonly string[], options?: PipeToOptions): OperatorFunction<ChunkOrEvent, ProcessEvent>;
export function pipeTo(command: string, options?: PipeToOptions): OperatorFunction<ChunkOrEvent, ProcessEvent>;
export function pipeTo(
  command: string,
  argsOrOptions?: readonly string[] | PipeToOptions,
  maybeOptions?: PipeToOptions,
): OperatorFunction<ChunkOrEvent, ProcessEvent> {
  const taken = takePipeFrom(argsOrOptions, maybeOptions);
  const { from } = taken;
  const stage: StageSpec = { command, ...parseCommand('pipeTo', command, taken.argsOrOptions, taken.maybeOptions) };
  if (stage.options.stdin !== undefined) {
    throw new TypeError(`pipeTo: option "stdin" cannot be used: the process reads the upstream's output`);
  }
  return (source) => {
    if (source instanceof ProcessObservable) {
      const upstream = source.stages[source.stages.length - 1]!;
      const { stdout, stderr, host, tty } = upstream.options;
      if (tty !== undefined) {
        throw new TypeError(
          `pipeTo: the upstream process ${upstream.command} runs in a terminal (option "tty"), which has no pipe to hand over; drop "tty", or pipe its events through JavaScript (e.g. lines() before pipeTo)`,
        );
      }
      if ((from === 'stdout' && stdout !== 'pipe') || (from === 'stderr' && stderr !== 'pipe') || (from === 'all' && stdout !== 'pipe' && stderr !== 'pipe')) {
        const what = from === 'all' ? 'its stdout and stderr' : `its ${from}`;
        throw new TypeError(
          `pipeTo: the upstream process ${upstream.command} sends ${what} elsewhere (${from === 'all' ? 'stdout and stderr options' : `${from} option`}), so there is nothing to pipe`,
        );
      }
      if (from === 'stdout') return new ProcessObservable([...source.stages, stage]);
      // stderr through the kernel (a remote process's stderr is not a pipe here); its stdout, if piped, to /dev/null.
      if (from === 'stderr' && host === undefined) {
        const quiet = { ...upstream, options: { ...upstream.options, stdout: stdout === 'pipe' ? 'ignore' : stdout } };
        return new ProcessObservable([...source.stages.slice(0, -1), quiet, { ...stage, from: 'stderr' }]);
      }
    }
    // A process source read through JavaScript (`from: 'all'`, a remote `from: 'stderr'`) is still a pipeline:
    // its stages' spawn and exit are passed on, and the new process is the stage after them.
    const newStage = source instanceof ProcessObservable ? source.stages.length : undefined;
    return new Observable<ProcessEvent>((subscriber) => {
      // The source is subscribed by the new process once it runs (as its stdin); its stderr is passed on,
      // unless it is what is read.
      const stdin = new Observable<Uint8Array>((feeder) => {
        const gate = currentFlowGate();
        if (gate !== undefined && from !== 'stdout') holdStderrToo(gate);
        return source.subscribe({
          next: (value) => {
            const isStderr = typeof value === 'object' && !(value instanceof Uint8Array) && value.type === 'stderr';
            if (isStderr && from === 'stdout') subscriber.next(value as ProcessEvent);
            if (newStage !== undefined && isStageEvent(value)) subscriber.next({ ...value, stage: value.stage ?? 0 });
            const chunk =
              from === 'stdout'
                ? toBuffer(value, 'stdout')
                : from === 'stderr'
                  ? isStderr
                    ? toBuffer(value, 'stderr')
                    : checked(value)
                  : toBuffer(value, isStderr ? 'stderr' : 'stdout');
            if (chunk instanceof TypeError) feeder.error(new TypeError(`pipeTo: ${chunk.message}`));
            else if (chunk !== undefined) feeder.next(chunk);
          },
          error: (error: unknown) => feeder.error(error),
          complete: () => feeder.complete(),
        });
      });
      const process$ = new ProcessObservable([{ ...stage, options: { ...stage.options, stdin } }]);
      if (newStage === undefined) return process$.subscribe(subscriber);
      return process$.subscribe({
        next: (event) => subscriber.next(isStageEvent(event) ? { ...event, stage: newStage } : event),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
  };
}

/** With `from: 'stderr'`, anything but stderr is dropped; what is not a chunk or an event is still refused. */
function checked(value: ChunkOrEvent): TypeError | undefined {
  const chunk = toBuffer(value, 'stdout');
  return chunk instanceof TypeError ? chunk : undefined;
}

function isStageEvent(value: ChunkOrEvent | ProcessEvent): value is SpawnEvent | ExitEvent {
  return typeof value === 'object' && !(value instanceof Uint8Array) && (value.type === 'spawn' || value.type === 'exit');
}
