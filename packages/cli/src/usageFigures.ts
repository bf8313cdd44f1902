/**
 * What one task's process trees have cost so far (see `UsageMeter` for what a task's tree is and how each
 * figure is measured).
 */
export interface UsageFigures {
  /** CPU time (user + system) of every process of the task's trees, all its runs, in milliseconds. */
  readonly cpuMs: number;
  /** Resident memory of the task's live tree now (sum of RSS), bytes; 0 when nothing of it runs. */
  readonly memoryBytes: number;
  /** The largest tree memory seen (the max of the sampled sums, and never below any one process's own VmHWM). */
  readonly peakMemoryBytes: number;
}
