/** A run cgroup's path: `<somewhere>/rxproc-<host pid>-<host start time>/run-<n>`, in a small safe alphabet. */
const RUN_CGROUP = /^(?:\/[A-Za-z0-9._@:+,=%-]+)+\/rxproc-[0-9]+-[0-9]+\/run-[0-9]+$/;

/**
 * Whether `path` is one rxproc may stop and remove after its host is gone: absolute, ending in
 * `rxproc-<pid>-<starttime>/run-<n>`, without `.` or `..` components, spaces, quotes, globs or backslashes.
 * The shell ({@link CGROUP_STOP_SH}) checks the same again, so a wrong path never reaches `rmdir` or
 * `cgroup.kill`. A host cgroup whose path falls outside this alphabet cannot be watched: check it first.
 */
export function isRunCgroupPath(path: string): boolean {
  return RUN_CGROUP.test(path) && !path.split('/').some((part) => part === '.' || part === '..');
}

/**
 * POSIX sh (dash) functions that end a run's cgroup once the host is gone, for the watchdog and the exit
 * reaper. Appended after `GROUP_STOP_SH` (they use its `rxp_clock`); builtins plus `sleep` and `rmdir`.
 *
 * `rxp_cgstop SIGNAL PATH GRACE_MS`: refuses a PATH that fails `rxp_cgok` (the shell twin of
 * {@link isRunCgroupPath}) or is not a cgroup (no `cgroup.procs`: already removed). Sends SIGNAL (`-`: none,
 * the host sent it) to every process in `cgroup.procs`, checks `cgroup.events` every 0.2 s and as soon as
 * it says `populated 0` removes the cgroup and its `rxproc-<pid>-<starttime>` parent (which fails, harmlessly,
 * while other runs are in it). After GRACE_MS ms (timed like `rxp_stop`, from the clock ticks of the `sleep`s
 * it forks; `none`: never, checking every second after the first five) it writes `cgroup.kill` (Linux 5.14;
 * before that, SIGKILL to every pid listed, again at each check) and waits up to 30 s more for the cgroup to
 * empty. A cgroup that never empties is left for `removeLeftoverCgroups`.
 *
 * Sub-cgroups a root child made inside its run cgroup are ended by `cgroup.kill` but not removed: the run
 * cgroup is then left too (rmdir fails).
 */
export const CGROUP_STOP_SH = `
rxp_cgok() {
case $1 in /?*/*/*) ;; *) return 1 ;; esac
case $1 in *[!A-Za-z0-9._@:+,=%/-]*|*//*|*/./*|*/../*) return 1 ;; esac
rxp_r=\${1##*/} rxp_h=\${1%/*}
rxp_h=\${rxp_h##*/}
case $rxp_r in run-?*) ;; *) return 1 ;; esac
case $rxp_h in rxproc-?*-?*) ;; *) return 1 ;; esac
rxp_h=\${rxp_h#rxproc-}
case \${rxp_r#run-}/\${rxp_h%%-*}/\${rxp_h#*-} in *[!0-9/]*) return 1 ;; esac
}
rxp_cgempty() {
[ -r "$1/cgroup.events" ] || return 0
while read -r rxp_k rxp_v; do
[ "$rxp_k" = populated ] && { [ "$rxp_v" = 0 ]; return; }
done <"$1/cgroup.events"
return 1
}
rxp_cgsig() {
while read -r rxp_p; do
case $rxp_p in ''|0*|1|*[!0-9]*) ;; *) kill -s "$1" "$rxp_p" 2>/dev/null ;; esac
done <"$2/cgroup.procs"
}
rxp_cgkill() {
if [ -w "$1/cgroup.kill" ]; then echo 1 >"$1/cgroup.kill"; else rxp_cgsig KILL "$1"; fi
}
rxp_cgwait() {
rxp_t0= rxp_up= rxp_n=0 rxp_left=$2
[ "$2" = 0 ] && rxp_up=1
while :; do
rxp_cgempty "$1" && return 0
[ -n "$rxp_up" ] && return 1
if [ "$2" = none ]; then
rxp_n=$((rxp_n + 1)); rxp_d=0.2; [ "$rxp_n" -gt 25 ] && rxp_d=1
sleep "$rxp_d" </dev/null >/dev/null 2>&1 || sleep 1
continue
fi
sleep 0.2 </dev/null >/dev/null 2>&1 & rxp_clock $!
rxp_t0=\${rxp_t0:-$rxp_now}
if wait $!; then rxp_left=$((rxp_left - 200)); else sleep 1; rxp_left=$((rxp_left - 1000)); fi
if [ -n "$rxp_now" ] && [ -n "$rxp_t0" ]; then
[ $(((rxp_now - rxp_t0 - 1) * 1000 + 200 * rxp_hz)) -ge $(($2 * rxp_hz)) ] && rxp_up=1
else
[ "$rxp_left" -le 0 ] && rxp_up=1
fi
done
}
rxp_cgstop() {
rxp_cgok "$2" || return 0
case $3 in none) ;; ''|*[!0-9]*) return 0 ;; esac
[ -f "$2/cgroup.procs" ] || return 0
rxp_hz=$(getconf CLK_TCK 2>/dev/null) || rxp_hz=
case $rxp_hz in ''|*[!0-9]*) rxp_hz=100 ;; esac
[ "$1" = - ] || rxp_cgsig "$1" "$2"
if ! rxp_cgwait "$2" "$3"; then
rxp_n=0
while ! rxp_cgempty "$2" && [ "$rxp_n" -lt 150 ]; do
rxp_cgkill "$2"; rxp_n=$((rxp_n + 1)); sleep 0.2 </dev/null >/dev/null 2>&1 || sleep 1
done
fi
rmdir "$2" 2>/dev/null
rmdir "\${2%/*}" 2>/dev/null
return 0
}
`;
