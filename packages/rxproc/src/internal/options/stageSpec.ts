import type { ResolvedOptions } from './validateOptions.js';

/** One process of a `ProcessObservable`: what `spawn$` or `pipeTo` was given, checked. */
export interface StageSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: ResolvedOptions;
  /** Reads the previous stage's stderr, not its stdout (`pipeTo(…, { from: 'stderr' })`, kernel pipe). */
  readonly from?: 'stderr';
}
