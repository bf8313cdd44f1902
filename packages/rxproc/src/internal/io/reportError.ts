import { config } from 'rxjs';

/**
 * Reports an error that has nowhere to go (a user's finalizer threw during a teardown), the way RxJS
 * does: to `config.onUnhandledError` when set, otherwise thrown asynchronously. The teardown that caught
 * it goes on, so no process is left running because of it.
 */
export function reportError(error: unknown): void {
  setTimeout(() => {
    if (config.onUnhandledError !== null) config.onUnhandledError(error);
    else throw error;
  });
}

/** Runs `cleanup`, reporting (not throwing) what it throws. */
export function safely(cleanup: () => void): void {
  try {
    cleanup();
  } catch (error) {
    reportError(error);
  }
}
