import { writeFileSync } from 'node:fs';
import type { ProcessLimits } from '../../containmentOptions.js';
import { SpawnError } from '../../errors/SpawnError.js';
import type { ResolvedOptions } from '../options/validateOptions.js';
import type { StageSpec } from '../options/stageSpec.js';
import { cgroupHome } from '../terminate/cgroupHome.js';
import { missingControllers, neededControllers } from '../terminate/cgroupLimits.js';
import { CgroupTree } from '../terminate/cgroupTree.js';
import { ProcessTree } from '../terminate/processTree.js';
import { track, untrack } from '../terminate/registry.js';
import { RunCgroup } from '../terminate/runCgroup.js';
import type { LeaderExit, Tree } from '../terminate/tree.js';
import { guard, guardCgroup, release as unguard, releaseCgroup } from '../terminate/watchdog.js';

const HOW_TO_DELEGATE =
  'as root rxproc makes one under its own cgroup; as another user, run the program in a delegated cgroup, e.g. `systemd-run --user --scope -p Delegate=yes -- node app.js` (docs/termination.md, "Delegation")';

/** Whether the run asks for a cgroup (and must fail without one), may use one, or must not. */
function wanted(options: ResolvedOptions): 'must' | 'may' | 'no' {
  if (options.containment === 'group') return 'no';
  return options.containment === 'cgroup' || options.limits !== undefined ? 'must' : 'may';
}

/**
 * The cgroup a local run is placed in (`containment`), or `undefined` for its process group: `'auto'`
 * uses one where this host can make one (found out once: where it cannot, nothing is tried again), and
 * `'cgroup'` (or `limits`) fails with a `SpawnError` of code `ENOTSUP` saying why and how to get one.
 */
export function runCgroupFor({ command, args, options }: StageSpec, startedAt: number): RunCgroup | undefined | SpawnError {
  const want = wanted(options);
  if (want === 'no') return undefined;
  const home = cgroupHome();
  let why = 'why' in home ? `no cgroup can be made here: ${home.why}` : undefined;
  if (!('why' in home)) {
    try {
      why = options.limits === undefined ? undefined : controllersFor(home.dir, options.limits);
      if (why === undefined) return RunCgroup.create(home);
    } catch (error) {
      why = `no cgroup can be made here: its cgroup could not be made in ${home.dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }
  if (want === 'may') return undefined;
  const asked = options.limits !== undefined ? 'limits' : "containment 'cgroup'";
  const reason = `${asked}: ${why}; ${HOW_TO_DELEGATE}`;
  return new SpawnError({ command, args, cwd: options.cwd, pid: undefined, durationMs: performance.now() - startedAt, code: 'ENOTSUP', reason });
}

/**
 * Why the controllers `limits` need are not there for the runs' cgroups, after asking for them (writing
 * `+memory` and so on into the host folder's `cgroup.subtree_control`, which works where its parent
 * offers them); `undefined` when they are.
 */
function controllersFor(dir: string, limits: ProcessLimits): string | undefined {
  const wanted = neededControllers(limits).map((name) => `+${name}`);
  if (wanted.length === 0) return undefined;
  try {
    writeFileSync(`${dir}/cgroup.subtree_control`, wanted.join(' '));
    if (wanted.includes('+memory')) RunCgroup.memoryPeakMayExist();
  } catch {
    // not offered: said below
  }
  return missingControllers(dir, limits);
}

/**
 * The tree of a child just spawned: its cgroup's when it was placed in one, else its process group's;
 * tracked by the registry (the host's exit) and, with `watchdog`, by the watchdog (the host's death) until
 * it has settled, when `onSettled` is called.
 */
export function startTree(pid: number, leader: LeaderExit, options: ResolvedOptions, cgroup: RunCgroup | undefined, onSettled: () => void): Tree {
  const settled = (tree: Tree): void => {
    untrack(tree);
    if (options.watchdog === true && cgroup === undefined) unguard(tree.pid);
    if (options.watchdog === true && cgroup !== undefined) releaseCgroup(cgroup.path);
    onSettled();
  };
  const tree: Tree = cgroup === undefined ? new ProcessTree(pid, leader, options, settled) : new CgroupTree(pid, leader, options, cgroup, settled);
  track(tree);
  // The watchdog ends the cgroup (every process in it) or the group, whichever holds the tree.
  if (options.watchdog === true && cgroup === undefined) guard(pid, options.killTimeout);
  if (options.watchdog === true && cgroup !== undefined) guardCgroup(cgroup.path, options.killTimeout);
  return tree;
}
