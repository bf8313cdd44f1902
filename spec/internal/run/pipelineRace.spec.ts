import { expect } from 'chai';
import { Observable } from 'rxjs';
import { ProcessExitError, spawn$, type ProcessEvent } from '../../../packages/rxproc/src/index.js';
import type { HandleSink, ProcessHandle } from '../../../packages/rxproc/src/internal/processHandle.js';
import { runPipeline } from '../../../packages/rxproc/src/internal/run/pipelineRun.js';

/** A process handle driven by the spec (the narrow seam between a run and where its process lives). */
class FakeHandle implements ProcessHandle {
  sink!: HandleSink;
  hasEnded = false;
  readonly stdout = null;
  released = 0;
  start(sink: HandleSink): boolean {
    this.sink = sink;
    return true;
  }
  stderrTail(): string {
    return '';
  }
  signal(): void {}
  terminate(): void {}
  release(): void {
    this.released++;
    this.sink.settled();
  }
  /** The process exits and its output is read, all in one go. */
  finish(pid: number, exitCode: number): void {
    this.hasEnded = true;
    this.sink.exited();
    this.sink.end({ pid, exitCode, signal: null });
  }
}

describe('pipelineRun: an upstream that ended on its own as its reader exited', () => {
  it("counts its failure (pipefail), though its end arrived just after the reader's exit (a remote exit report trailing the EOF)", async () => {
    const stages = [...spawn$('writer').stages, ...spawn$('reader').stages];
    const [up, down] = [new FakeHandle(), new FakeHandle()];
    const seen: { events: ProcessEvent[]; error?: unknown; completed: boolean } = { events: [], completed: false };
    new Observable<ProcessEvent>((subscriber) => runPipeline(subscriber, stages, [up, down], performance.now())).subscribe({
      next: (event) => seen.events.push(event),
      error: (error: unknown) => (seen.error = error),
      complete: () => (seen.completed = true),
    });
    up.sink.next({ type: 'spawn', pid: 101 });
    down.sink.next({ type: 'spawn', pid: 102 });
    // The reader read the EOF and exited; the writer's own end (exit 4) comes right after, in the same turn.
    down.finish(102, 0);
    up.finish(101, 4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.completed, 'the pipeline must not succeed').to.equal(false);
    expect(seen.error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 4 });
  });

  it('stops an upstream still running after that poll, and succeeds (yes | head)', async () => {
    const stages = [...spawn$('yes').stages, ...spawn$('head').stages];
    const [up, down] = [new FakeHandle(), new FakeHandle()];
    let completed = false;
    new Observable<ProcessEvent>((subscriber) => runPipeline(subscriber, stages, [up, down], performance.now())).subscribe({
      complete: () => (completed = true),
    });
    up.sink.next({ type: 'spawn', pid: 201 });
    down.sink.next({ type: 'spawn', pid: 202 });
    down.finish(202, 0);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(completed).to.equal(true);
    expect(up.released, 'the writer was stopped (its run released: the kill)').to.equal(1);
    expect(up.hasEnded).to.equal(false);
  });
});
