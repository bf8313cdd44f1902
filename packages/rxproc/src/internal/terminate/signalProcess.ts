import { constants } from 'node:os';

/** What a signal found: a process (or group) and signalled it, nothing (ESRCH), or only processes it may not signal (EPERM). */
export type SignalResult = 'sent' | 'gone' | 'denied';

type RawKill = (pid: number, signal: number) => number;
/** What `process.kill` itself calls: it returns the errno instead of throwing it. */
const rawKill = (process as unknown as { _kill?: unknown })._kill;
const ESRCH = -constants.errno.ESRCH;
const EPERM = -constants.errno.EPERM;

/**
 * `kill(pid, signal)`, the one way rxproc signals anything (a negative `pid` is a process group). After
 * every run the group is probed with signal 0, and the usual answer is ESRCH: `process.kill` throws it, and
 * building and unwinding that error cost about a quarter of what rxproc adds to a spawn. So a probe takes
 * the errno from Node's own `process._kill` (what `process.kill` calls) where it exists; a real signal goes
 * through `process.kill`, as the rest of the host (and a spy in a test) would see it.
 */
export function signalProcess(pid: number, signal: NodeJS.Signals | 0): SignalResult {
  if (signal === 0 && typeof rawKill === 'function') {
    const error = (rawKill as RawKill).call(process, pid, 0);
    if (error === 0) return 'sent';
    if (error === ESRCH) return 'gone';
    if (error === EPERM) return 'denied';
  }
  try {
    process.kill(pid, signal);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'denied' : 'gone';
  }
}
