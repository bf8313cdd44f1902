# rxproc remote wrapper, POSIX sh fallback for hosts without Perl. Shipped inline, never installed.
# Needs: setsid (util-linux or busybox), kill, sleep (fractional: GNU/busybox; else whole seconds).
# Optional: GNU tail >= 8.28 (notices a stdout without reader: the ControlMaster case, see NOTES.md).
# Run as: sh -c "$WRAPPER" rxproc-wrap. The rest comes first on stdin (see wrapper.pl for the layout), read
# with read -r, which takes a pipe byte by byte: the command's stdin is what follows. This wrapper uses the
# NONCE line and the Z record (sh code: _rxp_c cwd, _rxp_v env code, _rxp_k control id, set -- SIGNAL GRACE_MS
# DRAIN_MS -- ARGV).
# The nonce is in no argv or environment (the command cannot forge a marker); cwd is entered as a path
# (./relative: never CDPATH), then the env applies (to this shell too, as it did before).
# Same markers as wrapper.pl but "hold" (not needed: "spawn" precedes the exec). Differences: an exit code
# 129..192 is reported as a signal; the command's argv[0] is the path found; an exec that fails although
# the file looked runnable (a noexec mount, a missing #! interpreter) shows as exit 126/127 after "spawn".
# _rxp_ names: the command inherits this shell's exported variables, which may have any other name.
IFS= read -r _rxp_n || exit 126
IFS= read -r _rxp_l || exit 126
_rxp_z=
while IFS= read -r _rxp_l; do
  case $_rxp_l in
  .) break ;;
  Z*) _rxp_z=${_rxp_l#Z} ;;
  esac
done
case $_rxp_n in rx????????????????????????????????) ;; *) exit 126 ;; esac
_rxp_v=
eval "$(printf "$_rxp_z")"
_rxp_s=${1#SIG}; _rxp_g=$2; _rxp_d=$3; shift 3
[ "${1-}" = -- ] && shift
_rxp_pp=$PPID
m() { printf '\036%s %s\n' "$_rxp_n" "$*" >&2; }
nap() { sleep "$1" </dev/null >/dev/null 2>&1 || sleep 1 </dev/null >/dev/null 2>&1; }
if [ -n "${_rxp_c+x}" ]; then cd -- "$_rxp_c" >/dev/null 2>&1 || { m error cwd FAILED; exit 126; }; fi
eval "$_rxp_v"
unset _rxp_c _rxp_v _rxp_z _rxp_l
command -v setsid >/dev/null 2>&1 || { m error wrapper NOSETSID; exit 126; }
# Resolve the command as execvp would, before the spawn report, and run only the file found: what cannot
# be run is an error (EACCES: a directory or a file without x; ENOENT: nothing there), not a run. A name
# without a slash: the first executable regular file on PATH, EACCES if only other matches were found.
_rxp_x= _rxp_e=ENOENT _rxp_p=
case $1 in
'') ;;
*/*) [ -e "$1" ] && { _rxp_e=EACCES; [ -f "$1" ] && [ -x "$1" ] && _rxp_x=$1; } ;;
*) _rxp_p=${PATH-/bin:/usr/bin}: ;;
esac
while [ -z "$_rxp_x" ] && [ -n "$_rxp_p" ]; do
  _rxp_f=${_rxp_p%%:*}; _rxp_p=${_rxp_p#*:}
  _rxp_f=${_rxp_f:-.}/$1
  [ -e "$_rxp_f" ] || continue
  _rxp_e=EACCES
  [ -f "$_rxp_f" ] && [ -x "$_rxp_f" ] && _rxp_x=$_rxp_f
done
[ -n "$_rxp_x" ] || { m error exec "$_rxp_e"; [ "$_rxp_e" = EACCES ] && exit 126; exit 127; }
shift; set -- "$_rxp_x" "$@"
# Shared with watcher 1 (a separate sh), hence a string. live_group PGID: a member that is not a zombie
# (kill -0 counts zombies, and an init that does not reap leaves orphans as zombies for ever).
# kill_group PGID: signal; a timer subshell sends SIGKILL after $g ms unless the group is gone first.
_rxp_lib='live_group() {
kill -0 "-$1" 2>/dev/null || return 1
[ -r /proc/self/stat ] || return 0
for f in /proc/[0-9]*/stat; do
read -r l 2>/dev/null <"$f" || continue
set -- "$1" ${l##*") "}
[ "$4" = "$1" ] && [ "$2" != Z ] && return 0
done
return 1
}
timer_stop() { kill "$p" 2>/dev/null; exit 0; }
kill_group() {
kill -"$_rxp_s" "-$1" 2>/dev/null
live_group "$1" || return 0
r=$((_rxp_g % 1000)); while [ ${#r} -lt 3 ]; do r=0$r; done
(trap timer_stop TERM
sleep "$((_rxp_g / 1000)).$r" 2>/dev/null & p=$!; wait "$p" || { sleep "$(((_rxp_g + 999) / 1000))" & p=$!; wait "$p"; }
kill -KILL "-$1" 2>/dev/null) </dev/null >/dev/null 2>&1 &
k=$!
while live_group "$1"; do sleep 0.02 2>/dev/null || sleep 1; done
kill "$k" 2>/dev/null
}'
eval "$_rxp_lib"
exec 3>&1 4>&2
{
  # Not "&": POSIX makes async commands ignore SIGINT/SIGQUIT, a pipeline stage does not.
  # The stage's own shell prints its pid, points stdout back at the session's, marks the spawn itself
  # (so the marker precedes any output) and becomes the command in a new session/process group.
  # The nonce comes in on fd 5 (a here-document), not in an argument anybody could read.
  /bin/sh -c 'printf "%s\n" "$$"; IFS= read -r _rxp_n <&5; exec 1>&3 2>&4 3>&- 4>&- 5<&-; printf "\036%s spawn %s sh\n" "$_rxp_n" "$$" >&2; exec setsid -- "$@"' rxproc-spawn "$@" 5<<EOF
$_rxp_n
EOF
  echo "$?"
} 2>/dev/null | {
  exec 3>&- 4>&-
  IFS= read -r pid || exit 126
  # Watcher 1 (own process group, so that both it and its tail can be stopped at once): GNU tail polls
  # its stdout, the session's, and dies of SIGPIPE (status 141) when that has no reader any more.
  setsid sh -c 'tail -s 0.2 -f /dev/null </dev/null 2>/dev/null; [ $? -eq 141 ] || exit 0; _rxp_s=$2 _rxp_g=$3; eval "$4"; kill_group "$1"' \
    rxproc-watch "$pid" "$_rxp_s" "$_rxp_g" "$_rxp_lib" &
  w1=$!
  trap '' PIPE
  # Watcher 2: the sshd that started us has gone (the connection closed without a ControlMaster). With a
  # control id (_rxp_k), it is a process of its own whose argv holds the id, reported as "ctl": SIGURG to
  # it stops the group (the stop option; a trap interrupts wait at once), while the output still flows.
  if [ -n "${_rxp_k-}" ]; then
    sh -c "$_rxp_lib"'
_rxp_s=$3 _rxp_g=$4 s=
trap s=1 URG
while [ -z "$s" ]; do
{ sleep 0.2 || sleep 1; } </dev/null >/dev/null 2>&1 & wait $!
[ -n "$s" ] || kill -0 "$2" 2>/dev/null || break
done
kill_group "$1"' "rxproc-ctl-$_rxp_k" "$pid" "$_rxp_pp" "$_rxp_s" "$_rxp_g" &
    w2=$!
    m ctl "$w2"
  else
    ( while nap 0.2; do kill -0 "$_rxp_pp" 2>/dev/null || break; done; kill_group "$pid" ) &
    w2=$!
  fi
  IFS= read -r code || code=255
  if [ "$code" -gt 128 ] && [ "$code" -le 192 ] && nm=$(kill -l "$((code - 128))" 2>/dev/null); then
    m signal "SIG${nm#SIG}"
  else
    m exit "$code"
  fi
  # Stragglers (the command's descendants in its group) get $d ms to finish, then the kill sequence.
  t=0
  while live_group "$pid"; do
    [ "$t" -ge "$_rxp_d" ] && { kill_group "$pid"; break; }
    nap 0.05; t=$((t + 50))
  done
  kill -TERM "-$w1" "$w1" "$w2" 2>/dev/null   # "$w1" too: it may not have called setsid yet
  exit "$code"
}
