import { Observable } from 'rxjs';
import type { ProcessEvent } from './events.js';
import type { StageSpec } from './internal/options/stageSpec.js';
import type { ResolvedOptions } from './internal/options/validateOptions.js';
import { runStages } from './internal/run/runStages.js';
import type { CollectedOutput } from './operators/collectOutput.js';
import { exitCodeOf, outputOf, textOf } from './processPromises.js';

export type { StageSpec } from './internal/options/stageSpec.js';

/**
 * A process, or a pipeline of processes, as a cold Observable: what {@link spawn$} and {@link pipeTo}
 * return. It is an ordinary RxJS Observable that also says what it runs, which is how `pipeTo` recognises a
 * process source and connects the two processes with a kernel pipe. Create it with `spawn$`, not `new`.
 *
 * @example
 * ```ts
 * import { spawn$, pipeTo, ProcessObservable } from 'rxproc';
 *
 * const make$ = spawn$('make', ['-j4'], { cwd: 'build' });
 * console.log(make$ instanceof ProcessObservable, make$.command, make$.args, make$.options.killSignal);
 * // true make [ '-j4' ] SIGTERM
 * const sorted$ = spawn$('ls').pipe(pipeTo('sort', ['-r'])) as ProcessObservable; // fused: still a process
 * console.log(sorted$.stages.map((stage) => stage.command)); // [ 'ls', 'sort' ]
 * ```
 */
export class ProcessObservable extends Observable<ProcessEvent> {
  /** The processes, upstream first; a plain `spawn$` has one. */
  readonly stages: readonly StageSpec[];

  constructor(stages: readonly StageSpec[]) {
    super((subscriber) => runStages(subscriber, stages));
    this.stages = Object.freeze([...stages]);
  }

  /** The (last) process's command. */
  get command(): string {
    return this.last.command;
  }

  /** The (last) process's arguments. */
  get args(): readonly string[] {
    return this.last.args;
  }

  /** The (last) process's options, checked and with their defaults. */
  get options(): Readonly<ResolvedOptions> {
    return this.last.options;
  }

  /**
   * Runs the process and resolves with its stdout decoded as UTF-8, one trailing newline (`\n` or `\r\n`)
   * removed; `''` when it wrote nothing. Rejects with the errors the Observable gives (`SpawnError`,
   * `ProcessExitError`, `ProcessTimeoutError`, `OutputLimitError`…). Each call subscribes once: it starts
   * a new process (the Observable is cold), and the Promise cannot cancel it (use `timeout`).
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * const branch = await spawn$('git', ['branch', '--show-current']).text(); // 'main'
   * ```
   */
  text(): Promise<string> {
    return textOf(this);
  }

  /**
   * Runs the process and resolves with what `collectOutput()` emits: stdout and stderr as UTF-8 strings,
   * the exit code, signal, pid and duration. Rejects with the errors the Observable gives. Each call
   * subscribes once (a new process).
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * const { stdout, stderr, durationMs } = await spawn$('node', ['--version']).output();
   * console.log(stdout.trim(), stderr, `${durationMs.toFixed(0)} ms`);
   * ```
   */
  output(): Promise<CollectedOutput<string>> {
    return outputOf(this);
  }

  /**
   * Runs the process and resolves with its exit code, whatever it is: a code outside `successExitCodes` is
   * an answer here, not a failure (`grep -q` answers 1, `test` answers 1). It rejects when the process gave
   * no exit code of its own: it could not start (`SpawnError`), ran over its `timeout`
   * (`ProcessTimeoutError`), was killed by a signal (`ProcessExitError` with `signal`). For a pipeline, a
   * failing stage's code (pipefail), else the last stage's. `null` only when a signal ended the process
   * without that counting as a failure. Each call subscribes once (a new process); the output is discarded.
   *
   * @example
   * ```ts
   * import { spawn$ } from 'rxproc';
   *
   * const code = await spawn$('grep', ['-q', 'TODO', 'README.md']).exitCode();
   * console.log(code === 0 ? 'found' : 'not found'); // grep -q: 0 found, 1 not found, 2 error
   * ```
   */
  exitCode(): Promise<number | null> {
    return exitCodeOf(this);
  }

  private get last(): StageSpec {
    return this.stages[this.stages.length - 1]!;
  }
}
