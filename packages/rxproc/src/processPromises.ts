import { lastValueFrom, type Observable } from 'rxjs';
import { ProcessExitError, ProcessTimeoutError } from './errors/ProcessExitError.js';
import type { ProcessEvent } from './events.js';
import { collectOutput, type CollectedOutput } from './operators/collectOutput.js';

// The Promise methods of ProcessObservable (output, text, exitCode): each subscribes once.

/** `output()`: the `collectOutput()` result; rejects with the process's error. */
export function outputOf(process$: Observable<ProcessEvent>): Promise<CollectedOutput<string>> {
  return lastValueFrom(process$.pipe(collectOutput()));
}

/** `text()`: stdout decoded as UTF-8, with one trailing newline (`\n` or `\r\n`) removed. */
export async function textOf(process$: Observable<ProcessEvent>): Promise<string> {
  const { stdout } = await outputOf(process$);
  return stdout.replace(/\r?\n$/, '');
}

/**
 * `exitCode()`: the exit code of a process that exited by itself, success or not; rejects when it did not
 * (it could not start, timed out, was killed by a signal, its output overflowed, its connection failed).
 * `null` only when a signal ended it without that counting as a failure.
 */
export function exitCodeOf(process$: Observable<ProcessEvent>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let exitCode: number | null | undefined;
    process$.subscribe({
      next: (event) => {
        if (event.type === 'exit') exitCode = event.exitCode;
      },
      error: (error: Error) => {
        if (error instanceof ProcessExitError && !(error instanceof ProcessTimeoutError) && error.signal === null && error.exitCode !== null) {
          resolve(error.exitCode);
        } else reject(error);
      },
      complete: () => {
        if (exitCode === undefined) reject(new TypeError('exitCode: the process completed without an exit event'));
        else resolve(exitCode);
      },
    });
  });
}
