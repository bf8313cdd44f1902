import { spawn, type ChildProcess } from 'node:child_process';
import type { ResolvedHost } from '../../options/resolveHost.js';
import { borrowSession } from '../pool/pools.js';
import { processArgs } from '../sshArgs.js';
import { stopCommand, WRAPPER_GONE } from '../wrapper/stopCommand.js';

/** How a stop request went: delivered, not needed (the wrapper had gone), or not delivered (ssh failed). */
export type StopOutcome = 'sent' | 'gone' | 'failed';

/**
 * Asks a remote run's wrapper to stop its command, without touching the run's own session (whose output is
 * still to be read): `ssh HOST <stopCommand>`, on a session borrowed from the host's shared connection when
 * one is free at once, else on a short connection of its own. Never queued behind the pool: a full connection
 * must neither delay a stop nor lose a session promised to a process. `done` is called once, unless cancelled;
 * the returned function cancels (and stops the ssh, if it still runs).
 */
export function requestStop(host: ResolvedHost, pid: number, control: string, done: (outcome: StopOutcome) => void): () => void {
  let command: string;
  try {
    command = stopCommand(pid, control);
  } catch {
    done('failed');
    return () => undefined;
  }
  const session = borrowSession(host);
  let finished = false;
  const finish = (outcome: StopOutcome | undefined): void => {
    if (finished) return;
    finished = true;
    session?.release();
    if (outcome !== undefined) done(outcome);
  };
  let ssh: ChildProcess;
  try {
    // stdin /dev/null: this ssh has nothing to send. Its words are not needed: the status says it all.
    ssh = spawn(host.sshPath, processArgs(host, session?.controlPath, command), { stdio: 'ignore' });
  } catch {
    // Never a throw out of terminate(): a stop that cannot be sent is one that failed (ssh is closed instead).
    finish('failed');
    return () => undefined;
  }
  ssh.once('error', () => finish('failed'));
  ssh.once('close', (code) => finish(code === 0 ? 'sent' : code === WRAPPER_GONE ? 'gone' : 'failed'));
  return () => {
    if (finished) return;
    if (ssh.exitCode === null && ssh.signalCode === null) ssh.kill('SIGKILL');
    finish(undefined);
  };
}
