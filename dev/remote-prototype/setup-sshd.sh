#!/bin/sh
# Throwaway OpenSSH server on 127.0.0.1 for rxproc's remote tests.
#
#   sh setup-sshd.sh            # prints KEY=VALUE lines (also saved in $RXPROC_SSHD_DIR/env)
#   eval "$(sh setup-sshd.sh)"  # e.g. in a CI script
#
# Idempotent: when the sshd recorded in $RXPROC_SSHD_DIR is still running and answering, it prints the
# same values again and changes nothing. Otherwise it (re)creates everything: state folder, host key,
# client key pair, known_hosts, ssh_config, sshd_config, and starts sshd on a free port.
#
# Runs as root (sshd must, to switch to the test user). The session user is NOT root: a non-root user is
# what real deployments use, and it is what the tests must exercise (a root sshd session differs, e.g.
# sshd refuses "signal" channel requests for root sessions).
#
# Env: RXPROC_SSHD_DIR (default /tmp/rxproc-sshd), RXPROC_SSH_USER (default rxproc-test).
set -eu

DIR=${RXPROC_SSHD_DIR:-/tmp/rxproc-sshd}
TUSER=${RXPROC_SSH_USER:-rxproc-test}
ALIAS=rxproc-test-host

say() { printf '%s\n' "$*" >&2; }
die() { say "setup-sshd: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

# --- already running? -------------------------------------------------------------------------------
if [ -f "$DIR/env" ] && [ -f "$DIR/sshd.pid" ]; then
  pid=$(cat "$DIR/sshd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
     ssh -F "$DIR/ssh_config" -o ConnectTimeout=5 "$ALIAS" true </dev/null >/dev/null 2>&1; then
    cat "$DIR/env"
    exit 0
  fi
  say "setup-sshd: stale state in $DIR, recreating"
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
fi

# --- packages -------------------------------------------------------------------------------------
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
  say "setup-sshd: installing openssh-server openssh-client"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d / no systemd: the package's own service is not started in containers, which is fine.
  log=$(mktemp)
  # Without package lists (a fresh machine) the first install fails: then update and retry.
  apt-get install -y -qq openssh-server openssh-client >"$log" 2>&1 ||
    { apt-get update -qq >>"$log" 2>&1 && apt-get install -y -qq openssh-server openssh-client >>"$log" 2>&1; } ||
    { cat "$log" >&2; rm -f "$log"; die "apt-get install openssh-server openssh-client failed"; }
  rm -f "$log"
fi

# --- test user ------------------------------------------------------------------------------------
if ! id -u "$TUSER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh "$TUSER" || die "useradd $TUSER failed"
fi
# useradd leaves the password field '!' (locked). With UsePAM no, sshd refuses a locked account even for
# public-key logins ("account is locked"); '*' means "no password" without being "locked".
usermod -p '*' "$TUSER"
HOMEDIR=$(getent passwd "$TUSER" | cut -d: -f6)
[ -d "$HOMEDIR" ] || { mkdir -p "$HOMEDIR"; chown "$TUSER:" "$HOMEDIR"; }
chmod go-w "$HOMEDIR"   # StrictModes: home and ~/.ssh must not be group/world-writable

# --- state folder, keys ---------------------------------------------------------------------------
rm -rf "$DIR"
mkdir -p "$DIR/keys"
chmod 755 "$DIR"        # readable: the ssh client and test code read ssh_config/known_hosts from here
chmod 700 "$DIR/keys"   # private keys (root only)
ssh-keygen -q -t ed25519 -N '' -C rxproc-test-hostkey -f "$DIR/keys/host_ed25519" </dev/null
ssh-keygen -q -t ed25519 -N '' -C rxproc-test-client -f "$DIR/keys/id_ed25519" </dev/null

# authorized_keys in the user's home, as on a real host (StrictModes yes checks ownership and modes of
# the file and every directory up to the home: a key file below /tmp would fail, /tmp is 1777).
install -d -m 700 -o "$TUSER" -g "$(id -g "$TUSER")" "$HOMEDIR/.ssh"
install -m 600 -o "$TUSER" -g "$(id -g "$TUSER")" "$DIR/keys/id_ed25519.pub" "$HOMEDIR/.ssh/authorized_keys"

# sshd's privilege-separation directory; normally made by systemd's RuntimeDirectory= / the init script.
mkdir -p /run/sshd
chmod 755 /run/sshd

# --- a free port ----------------------------------------------------------------------------------
free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
  else
    echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
  fi
}

write_configs() {
  cat >"$DIR/sshd_config" <<EOF
# rxproc throwaway sshd; not /etc/ssh/sshd_config (nothing from it is included)
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/keys/host_ed25519
PidFile $DIR/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers $TUSER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
# sshd's defaults, spelled out: MaxSessions limits the sessions multiplexed over ONE connection
# (ControlMaster); MaxStartups limits concurrent unauthenticated connections (fresh ssh runs).
MaxSessions 10
MaxStartups 100:30:200
PrintMotd no
PrintLastLog no
UseDNS no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
LogLevel VERBOSE
EOF
  cat >"$DIR/ssh_config" <<EOF
Host $ALIAS
  HostName 127.0.0.1
  Port $PORT
  User $TUSER
  IdentityFile $DIR/keys/id_ed25519
  IdentitiesOnly yes
  HostKeyAlias $ALIAS
  UserKnownHostsFile $DIR/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  CheckHostIP no
  BatchMode yes
  LogLevel ERROR
  ForwardAgent no
  ForwardX11 no
EOF
  printf '%s %s\n' "$ALIAS" "$(cut -d' ' -f1,2 "$DIR/keys/host_ed25519.pub")" >"$DIR/known_hosts"
  chmod 644 "$DIR/ssh_config" "$DIR/known_hosts" "$DIR/sshd_config"
}

# --- start ----------------------------------------------------------------------------------------
started=
for attempt in 1 2 3 4 5; do
  PORT=$(free_port)
  write_configs
  /usr/sbin/sshd -t -f "$DIR/sshd_config" || die "sshd -t rejected $DIR/sshd_config"
  rm -f "$DIR/sshd.pid"
  # Daemonizes; writes PidFile once it listens. -E: log to a file instead of syslog.
  if /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"; then
    i=0
    while [ $i -lt 50 ]; do   # up to 5 s
      if [ -s "$DIR/sshd.pid" ] &&
         ssh -F "$DIR/ssh_config" -o ConnectTimeout=5 "$ALIAS" true </dev/null >/dev/null 2>"$DIR/probe.err"; then
        started=1; break
      fi
      sleep 0.1; i=$((i + 1))
    done
  fi
  [ -n "$started" ] && break
  say "setup-sshd: port $PORT failed (attempt $attempt): $(tail -n 3 "$DIR/sshd.log" "$DIR/probe.err" 2>/dev/null | tr '\n' ' ')"
  [ -s "$DIR/sshd.pid" ] && kill "$(cat "$DIR/sshd.pid")" 2>/dev/null || true
done
[ -n "$started" ] || die "could not start sshd (see $DIR/sshd.log)"

cat >"$DIR/env" <<EOF
SSH_HOST=$ALIAS
SSH_PORT=$PORT
SSH_USER=$TUSER
SSH_IDENTITY=$DIR/keys/id_ed25519
SSH_CONFIG=$DIR/ssh_config
SSH_KNOWN_HOSTS=$DIR/known_hosts
SSHD_PID=$(cat "$DIR/sshd.pid")
SSHD_DIR=$DIR
EOF
cat "$DIR/env"
