import { onExit } from 'signal-exit';
import { CGROUP_STOP_SH } from './cgroupStop.js';
import { GROUP_STOP_SH, graceArg, startStopShell } from './groupMembers.js';
import type { Tree } from './tree.js';

/** What the reaper is handed: a process group, or a run cgroup; `afterMs` is the tree's killTimeout. */
export type ReaperEntry = { readonly pgid: number; readonly afterMs: number } | { readonly cgroup: string; readonly afterMs: number };

/**
 * Every process tree rxproc started that may still be alive, so that the host's exit (normal, SIGINT,
 * SIGTERM, SIGHUP, …) takes them along. The exit hook is installed only while the registry is non-empty,
 * so an idle rxproc leaves no listener on `process`.
 */
const live = new Set<Tree>();
/** rxproc's own helpers (shared ssh connections): stopped with the host, not counted as the user's. */
const services = new Set<Tree>();
let removeHook: (() => void) | undefined;

let unloading: NodeJS.Immediate | undefined;

/** Adds a tree that was just spawned (`service`: one of rxproc's own helpers). */
export function track(tree: Tree, service = false): void {
  (service ? services : live).add(tree);
  if (unloading !== undefined) clearImmediate(unloading);
  unloading = undefined;
  // signal-exit keeps the host's default signal behaviour: it re-raises the signal after the hooks ran
  // unless the application has its own listener for it.
  removeHook ??= onExit(killAllOnExit, { alwaysLast: true });
}

/** Removes a tree that is fully gone. */
export function untrack(tree: Tree): void {
  if (!(live.delete(tree) || services.delete(tree)) || live.size + services.size > 0) return;
  if (removeHook === undefined || unloading !== undefined) return;
  // Unhooked a tick later: processes run one after another (await, concatMap) would otherwise install
  // and remove a dozen signal listeners each time.
  unloading = setImmediate(() => {
    unloading = undefined;
    if (live.size + services.size > 0 || removeHook === undefined) return;
    removeHook();
    removeHook = undefined;
  }).unref();
}

/**
 * How many process trees rxproc is responsible for right now: running, or being stopped after an
 * unsubscribe. Useful in tests and at shutdown to check that nothing is left.
 *
 * @example
 * ```ts
 * import { liveProcessCount, spawn$ } from 'rxproc';
 *
 * const subscription = spawn$('sleep', ['10']).subscribe();
 * console.log(liveProcessCount()); // 1
 * subscription.unsubscribe();      // SIGTERM to the group; the count drops to 0 once it is gone
 * ```
 *
 * @returns The number of process trees that may still have a living process.
 */
export function liveProcessCount(): number {
  return live.size;
}

/** SIGKILL to every live tree at once, no grace (a second Ctrl-C in the CLI). */
export function killAllNow(): void {
  for (const tree of [...live, ...services]) if (tree.isAlive()) tree.signalGroup('SIGKILL');
}

function killAllOnExit(): void {
  const pending: ReaperEntry[] = [];
  for (const tree of [...live, ...services]) {
    const { cgroupPath, config } = tree;
    if (cgroupPath !== undefined) {
      // Handed over even when empty: the reaper removes the cgroup, whatever its killTimeout.
      if (tree.isAlive()) tree.signalGroup(config.killSignal);
      pending.push({ cgroup: cgroupPath, afterMs: config.killTimeout });
      continue;
    }
    if (!tree.isAlive() || !tree.signalGroup(config.killSignal)) continue;
    if (Number.isFinite(config.killTimeout)) pending.push({ pgid: tree.pid, afterMs: config.killTimeout });
  }
  live.clear();
  services.clear();
  if (pending.length > 0) startReaper(pending);
}

/**
 * The reaper: `sh -c REAPER_SCRIPT rxproc-reaper PGID MS [PGID MS …]`. Each group has already been sent its
 * killSignal; `rxp_stop` (see {@link GROUP_STOP_SH}) leaves it as soon as it is empty (or its id now belongs
 * to another group) and sends SIGKILL only to a group that is still ours after MS ms. A run cgroup comes as
 * `cg:PATH MS` (MS may be `none`): `rxp_cgstop` (see {@link CGROUP_STOP_SH}) waits for it to empty, writes
 * `cgroup.kill` after MS ms, and removes it.
 */
export const REAPER_SCRIPT = `${GROUP_STOP_SH}${CGROUP_STOP_SH}
while [ "$#" -ge 2 ]; do
  case "$1" in
    cg:*) rxp_cgstop - "\${1#cg:}" "$2" </dev/null >/dev/null 2>&1 & ;;
    *) rxp_stop - "$1" "$2" </dev/null >/dev/null 2>&1 & ;;
  esac
  shift 2
done
wait
`;

/**
 * The host is going away and cannot wait for `killTimeout`: a detached shell outlives it and sends SIGKILL
 * to each group that is still alive, and still the same group, when its time is up; a cgroup gets
 * `cgroup.kill` and is removed. Exported for the specs; the exit hook is its caller.
 */
export function startReaper(pending: readonly ReaperEntry[]): void {
  const args = pending.flatMap((entry) =>
    'cgroup' in entry ? [`cg:${entry.cgroup}`, graceArg(entry.afterMs)] : [String(entry.pgid), graceArg(entry.afterMs)],
  );
  try {
    startStopShell(REAPER_SCRIPT, 'rxproc-reaper', args, 'ignore');
  } catch {
    // Nothing more can be done while the host exits; the first signal was sent.
  }
}
