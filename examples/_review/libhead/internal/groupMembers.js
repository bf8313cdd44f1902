import { readdirSync, readFileSync } from 'node:fs';
const PROC = '/proc';
let hasProc;
/**
 * Whether process group `pgid` has a member that is not a zombie. `kill(-pgid, 0)` also counts zombies,
 * and an orphaned grandchild stays a zombie until init gets round to reaping it (seconds, on some
 * machines), so on Linux the members are looked up in /proc. Elsewhere `kill` is all there is.
 *
 * Only called on the rare path where a group outlives its leader: it reads one small file per process.
 * It answers "no" only when it saw members of the group and all of them were zombies.
 */
export function groupHasLiveMember(pgid) {
    try {
        process.kill(-pgid, 0);
    }
    catch {
        return false;
    }
    hasProc ??= safeReaddir(PROC) !== undefined;
    if (!hasProc)
        return true;
    let zombies = 0;
    for (const name of safeReaddir(PROC) ?? []) {
        const code = name.charCodeAt(0);
        if (code < 48 || code > 57)
            continue;
        const stat = safeRead(`${PROC}/${name}/stat`);
        if (stat === undefined)
            continue;
        // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so parse after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 4);
        if (Number(fields[2]) !== pgid)
            continue;
        if (fields[0] !== 'Z')
            return true;
        zombies++;
    }
    // kill() found the group but /proc shows none of it (hidepid, another pid namespace): trust kill().
    return zombies === 0;
}
function safeReaddir(path) {
    try {
        return readdirSync(path);
    }
    catch {
        return undefined;
    }
}
function safeRead(path) {
    try {
        return readFileSync(path, 'latin1');
    }
    catch {
        return undefined;
    }
}
