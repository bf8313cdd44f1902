import { existsSync, readdirSync } from 'node:fs';
import { liveProcessCount } from '../../packages/rxproc/src/index.js';
import { foundCgroupHome } from '../../packages/rxproc/src/internal/terminate/cgroupHome.js';
import { eventually, markedProcesses, ownZombies } from './processes.js';
import { stopAllSshd } from './sshd.js';

/** This spec process's run cgroups that still exist (none where it made none, or cannot make cgroups). */
function runCgroups(): string[] {
  const home = foundCgroupHome();
  return home === undefined || 'why' in home || !existsSync(home.dir) ? [] : readdirSync(home.dir).filter((name) => name.startsWith('run-'));
}

/**
 * After every test: no process a spec started is left alive (grandchildren included), no zombie of ours,
 * and rxproc tracks no live tree. Leftovers are killed so that one failure does not cascade.
 */
export const mochaHooks = {
  /** The test sshd (if a remote spec started one) does not outlive the run. */
  afterAll(): void {
    stopAllSshd();
  },
  async afterEach(this: Mocha.Context): Promise<void> {
    this.timeout(15000);
    const clean = await eventually(() => markedProcesses().length === 0 && ownZombies().length === 0, 3000);
    const tracked = await eventually(() => liveProcessCount() === 0, 4000);
    // Every run's cgroup is removed once its tree is gone.
    const cgroups = await eventually(() => runCgroups().length === 0, 4000);
    if (clean && tracked && cgroups) return;
    const left = markedProcesses();
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const zombies = ownZombies();
    throw new Error(
      `processes left behind by this test: ${JSON.stringify(left)}; zombies: ${JSON.stringify(zombies)}; ` +
        `rxproc still tracks ${liveProcessCount()} tree(s); run cgroups left: ${JSON.stringify(runCgroups())}`,
    );
  },
};

// Any Node warning (MaxListenersExceeded, TimeoutOverflow, …) is a bug in the library: fail loudly.
process.on('warning', (warning) => {
  throw warning;
});
