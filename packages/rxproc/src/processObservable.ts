import { Observable } from 'rxjs';
import type { ProcessEvent } from './events.js';
import type { StageSpec } from './internal/options/stageSpec.js';
import type { ResolvedOptions } from './internal/options/validateOptions.js';
import { runStages } from './internal/run/runStages.js';

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

  private get last(): StageSpec {
    return this.stages[this.stages.length - 1]!;
  }
}
