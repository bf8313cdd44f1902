import { OutputLimitError } from './OutputLimitError.js';
import type { OutputSoFar } from './OutputSoFar.js';
import { ProcessError } from './ProcessError.js';

/**
 * Gives an rxproc error (a `ProcessError` or an `OutputLimitError`) the output collected so far, as its
 * `output`, not enumerable (printing the error does not print the output). An error that already has one
 * keeps it (the innermost `collectOutput` saw the most); other errors are left as they are.
 */
export function attachOutput(error: unknown, output: () => OutputSoFar): unknown {
  if ((error instanceof ProcessError || error instanceof OutputLimitError) && !Object.hasOwn(error, 'output')) {
    Object.defineProperty(error, 'output', { value: output(), enumerable: false, writable: false, configurable: true });
  }
  return error;
}
