import { reject } from './checks.js';

const LIMITS: Readonly<Record<string, { readonly integer: boolean; readonly what: string }>> = {
  memoryBytes: { integer: true, what: 'a whole number of bytes, 1 or more' },
  pids: { integer: true, what: 'a whole number of processes, 1 or more' },
  cpu: { integer: false, what: "a number of CPUs' worth of time above 0, such as 0.5 or 2" },
};

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
    if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) reject(where, 'limits', 'an object { memoryBytes?, pids?, cpu? }', limits);
    for (const [key, value] of Object.entries(limits)) {
      const rule = LIMITS[key];
      if (rule === undefined) throw new TypeError(`${where}: unknown limit "limits.${key}"; the limits are ${Object.keys(LIMITS).join(', ')}`);
      const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!rule.integer || Number.isSafeInteger(value));
      if (value !== undefined && !ok) reject(where, `limits.${key}`, rule.what, value);
    }
    if (containment === 'group') throw new TypeError(`${where}: option "limits" needs a cgroup, and containment 'group' has none: use 'cgroup' (or 'auto')`);
  }
  if (host === undefined) return;
  if (containment === 'cgroup')
    throw new TypeError(`${where}: containment 'cgroup' is for a process on this machine; with "host" the remote tree is held by its process group`);
  if (limits !== undefined)
    throw new TypeError(`${where}: option "limits" is for a process on this machine (it needs a cgroup here); it cannot be used with "host"`);
}
