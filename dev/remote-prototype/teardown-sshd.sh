#!/bin/sh
# Stops the sshd started by setup-sshd.sh, every session sshd it forked, every process left running as
# the test user (the user is dedicated to these tests), and removes the state folder.
#   sh teardown-sshd.sh            # keep the test user
#   sh teardown-sshd.sh --purge    # also delete the test user and its home
# Idempotent: safe to run when nothing is running.
set -u
DIR=${RXPROC_SSHD_DIR:-/tmp/rxproc-sshd}
TUSER=${RXPROC_SSH_USER:-rxproc-test}

descendants() { # pids below $1 (breadth-first), from one ps listing
  ps -eo pid=,ppid= | awk -v root="$1" '
    { kids[$2] = kids[$2] " " $1 }
    END { q = root; while (q != "") { split(q, a, " "); q = "";
            for (i in a) { n = split(kids[a[i]], k, " "); for (j = 1; j <= n; j++) { print k[j]; q = q " " k[j] } } } }'
}

pids=
if [ -s "$DIR/sshd.pid" ]; then
  lp=$(cat "$DIR/sshd.pid")
  if kill -0 "$lp" 2>/dev/null; then
    pids="$lp $(descendants "$lp")"
  fi
fi
# Local ssh ControlMaster processes whose socket lives in the state folder (tests should have stopped
# them with `ssh -O exit`; this is the safety net). Matched on the exact folder in their command line.
for p in $(ps -eo pid=,args= | awk -v d="$DIR/" 'index($0, "ControlPath=" d) && $2 ~ /(^|\/)ssh$/ { print $1 }'); do
  pids="$pids $p"
done
if id -u "$TUSER" >/dev/null 2>&1; then
  pids="$pids $(ps -u "$TUSER" -o pid= 2>/dev/null)"
fi
pids=$(echo $pids)
if [ -n "$pids" ]; then
  kill -TERM $pids 2>/dev/null
  i=0
  while [ $i -lt 20 ]; do
    alive=
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.1; i=$((i + 1))
  done
  [ -n "${alive:-}" ] && kill -KILL $alive 2>/dev/null
fi
rm -rf "$DIR"
if [ "${1:-}" = --purge ] && id -u "$TUSER" >/dev/null 2>&1; then
  userdel -r "$TUSER" 2>/dev/null || userdel "$TUSER"
fi
echo "teardown-sshd: stopped ${pids:-nothing}"
