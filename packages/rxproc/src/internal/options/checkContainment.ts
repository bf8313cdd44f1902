import { checkLimits } from '../terminate/cgroupLimits.js';
import { reject } from './checks.js';

/**
 * `containment` and `limits`, at call time: the values, limits without a cgroup (`'group'`), and both with
 * `host` (the remote side stops its tree by its process group; `'auto'` means just that there).
 */
export function checkContainment(where: string, o: Readonly<Record<string, unknown>>): void {
  const { containment, limits, host } = o;
  if (containment !== undefined && containment !== 'auto' && containment !== 'cgroup' && containment !== 'group') {
    reject(where, 'containment', "'auto', 'cgroup' or 'group'", containment);
  }
  if (limits !== undefined) {
    const wrong = checkLimits(limits);
    if (wrong !== undefined) throw new TypeError(`${where}: ${wrong}`);
    if (containment === 'group') throw new TypeError(`${where}: option "limits" needs a cgroup, and containment 'group' has none: use 'cgroup' (or 'auto')`);
  }
  if (host === undefined) return;
  if (containment === 'cgroup')
    throw new TypeError(`${where}: containment 'cgroup' is for a process on this machine; with "host" the remote tree is held by its process group`);
  if (limits !== undefined)
    throw new TypeError(`${where}: option "limits" is for a process on this machine (it needs a cgroup here); it cannot be used with "host"`);
}
