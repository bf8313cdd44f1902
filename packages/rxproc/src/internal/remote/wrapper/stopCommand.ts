import { underSh } from './remoteCommand.js';

/** The stop command's exit status when the wrapper has already gone (its pid is free, or another process's). */
export const WRAPPER_GONE = 3;

/**
 * The remote command that asks one run's wrapper to stop its command (`stop`, or `timeout`): SIGURG to the
 * process the wrapper reported as `ctl`, which then stops the command's group (`killSignal`, SIGKILL after
 * `killTimeout`) while the output still flows through the run's own session. The pid is checked first: its
 * argv must still hold the run's control id (`/proc`, or `ps` where there is none), so a pid reused since is
 * never signalled; and SIGURG, ignored by default, keeps even the instant between check and kill harmless.
 * Exit 0: sent; {@link WRAPPER_GONE}: nothing to stop.
 */
export function stopCommand(pid: number, control: string): string {
  if (!Number.isSafeInteger(pid) || pid < 2 || !/^[0-9a-f]{16}$/.test(control)) throw new RangeError(`stopCommand: bad target ${pid} ${control}`);
  const script = [
    `p=${pid} i=${control}`,
    `a=$(tr '\\000' ' ' 2>/dev/null </proc/$p/cmdline) || a=$(ps -o args= -p "$p" 2>/dev/null)`,
    `case $a in *"rxproc-wrap $i"* | *"rxproc-ctl-$i"*) kill -URG "$p" 2>/dev/null && exit 0 ;; esac`,
    `exit ${WRAPPER_GONE}`,
  ];
  return underSh(`${script.join('\n')}\n`);
}
