/**
 * Knows when every process tree a task started is gone, through the library's `onSettled` option: each
 * subscription of the task's process Observable (its first run and each restart) starts one tree per stage,
 * and each stage's `onSettled` is called once when its tree is gone (or when nothing was spawned).
 */
export class RunTracker {
  private startedTrees = 0;
  private settledTrees = 0;
  private waiting: Array<() => void> = [];

  /** A subscription began: `stages` more trees to wait for. */
  started(stages: number): void {
    this.startedTrees += stages;
  }

  /** A stage's `onSettled`: one tree is gone. */
  settled(): void {
    this.settledTrees++;
    if (!this.isSettled()) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Whether every tree started so far is gone. */
  isSettled(): boolean {
    return this.settledTrees >= this.startedTrees;
  }

  /** Resolves once every tree started so far is gone (at once when none is left). */
  allSettled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
