# rxproc remote wrapper, core Perl only (5.8+). Shipped inline with each command, never installed.
# argv: SIGNAL GRACE_MS DRAIN_MS NONCE -- COMMAND [ARG...]
# stdin/stdout/stderr are the ssh session's; the command inherits them as they are (no relay, no copy).
# On stderr it writes markers, each exactly "\x1e" NONCE " " WORDS "\n" (one write, < PIPE_BUF):
#   spawn PID WRAPPER | exit CODE | signal SIGNAME | error exec ERRNO   (see NOTES.md for the grammar)
# Start-up cost matters (it is paid by every run): no module is loaded up front. Where the session's
# stdout and stderr are pipes (Linux, with OpenSSH's USE_PIPES), the built-in select() watches them;
# elsewhere IO's poll() does. POSIX, Config, Errno and Time::HiRes load only when needed.
# No "use warnings": a warning would land in the command's stderr.
use strict;

my ($sig, $grace, $drain, $n) = splice @ARGV, 0, 4;
shift @ARGV if @ARGV && $ARGV[0] eq '--';
$0 = "rxproc-wrap $n";
my $ppid = getppid();
my $WNOHANG = $^O =~ /^(linux|darwin|freebsd|openbsd|netbsd|dragonfly|midnightbsd|aix|hpux|cygwin)$/ ? 1 : do { require POSIX; POSIX::WNOHANG() };
sub mark { my $m = "\x1e$n @_\n"; syswrite STDERR, $m }
sub now { require Time::HiRes; Time::HiRes::time() * 1000 }
sub nap { select undef, undef, undef, $_[0] }
sub errname { require Errno; local $! = shift; for (keys %!) { return $_ if $!{$_} } 'EUNKNOWN' }
sub signame {
  require Config;
  my @names = split ' ', $Config::Config{sig_name};
  my @nums = split ' ', $Config::Config{sig_num};
  for (0 .. $#nums) { return "SIG$names[$_]" if $nums[$_] == $_[0] }
  "SIG$_[0]";
}
$sig =~ s/^SIG//;
die "rxproc-wrap: no command\n" unless @ARGV;

# Resolve the program as execvp would, before announcing the spawn: "not found" is an error, not a run.
my $path = $ARGV[0];
if ($path !~ m{/}) {
  ($path) = grep { -f $_ && -x _ } map { ($_ eq '' ? '.' : $_) . "/$ARGV[0]" } split /:/, (defined $ENV{PATH} ? $ENV{PATH} : '/usr/bin:/bin'), -1;
  if (!defined $path) { mark('error exec ENOENT'); exit 127 }
}

# Perl marks every new fd above 2 close-on-exec: both pipes vanish in the command.
pipe(my $gor, my $gow) or die "pipe: $!";    # go: the child waits for EOF, so "spawn" precedes its output
pipe(my $str, my $stw) or die "pipe: $!";    # status: EOF = exec succeeded, 4 bytes = its errno
my $pid = fork;
if (!defined $pid) { mark('error fork ' . errname($! + 0)); exit 126 }
if ($pid == 0) {
  close $gow; close $str;
  setpgrp(0, 0);
  $SIG{$_} = 'DEFAULT' for qw(PIPE INT QUIT TERM HUP CHLD TSTP TTIN TTOU USR1 USR2 ALRM);
  my $b; sysread $gor, $b, 1;
  exec { $path } @ARGV;
  syswrite $stw, pack('N', $! + 0);
  exit 126;
}
close $gor; close $stw;
setpgrp($pid, $pid);
$SIG{PIPE} = 'IGNORE';    # a vanished reader must not kill us before we kill the group
pipe(my $sr, my $sw) or die "pipe: $!";    # self-pipe: signals wake the poll below
my $gone = 0;
$SIG{CHLD} = sub { syswrite $sw, 'c' };
$SIG{$_} = sub { $gone = 1; syswrite $sw, 'g' } for qw(HUP TERM INT);

mark("spawn $pid perl");
close $gow;
my $st = '';
sysread $str, $st, 4;
close $str;
if (length($st) == 4) {
  my $e = unpack 'N', $st;
  waitpid $pid, 0;
  mark('error exec ' . errname($e));
  exit(errname($e) eq 'ENOENT' ? 127 : 126);
}

my ($status, $exited_at);
sub reap {
  return if defined $status;
  return unless waitpid($pid, $WNOHANG) == $pid;
  $status = $?;
  $exited_at = undef;    # read the clock only if stragglers make it matter
  mark(($status & 127) ? 'signal ' . signame($status & 127) : 'exit ' . ($status >> 8));
}
# Is any member of the group alive? kill 0 also counts zombies (orphans init has not reaped yet), so on
# Linux the members' states are read from /proc; "no" only when all members seen are zombies.
sub group_alive {
  return 0 unless kill 0, -$pid;
  return 1 unless opendir my $d, '/proc';
  my $z = 0;
  for my $p (readdir $d) {
    next unless $p =~ /^\d+$/ && open my $f, '<', "/proc/$p/stat";
    my $s = <$f>;
    next unless defined $s && $s =~ /\)\s+(\S)\s+\d+\s+(\d+)/;
    next unless $2 == $pid;
    return 1 if $1 ne 'Z';
    $z++;
  }
  return $z == 0;
}
sub kill_group {
  kill $sig, -$pid;
  my $until = now() + $grace;
  while (now() < $until) { reap(); return unless group_alive(); nap(0.02) }
  kill 'KILL', -$pid;
  for (1 .. 100) { reap(); last unless group_alive(); nap(0.01) }
}

# Waits up to $t seconds for a signal (the self-pipe) or for the connection to go away: fds 1 and 2 lose
# their reader (a pipe: select() reports such a write end as readable, poll() as POLLERR) or their peer
# (a socket: POLLHUP). A socket may carry stdin too, so only poll() can tell there.
my $pipes = -p STDOUT && -p STDERR;
sub wait_events {
  my ($t) = @_;
  if ($pipes) {
    my $rin = '';
    vec($rin, $_, 1) = 1 for fileno($sr), 1, 2;
    return if select(my $rout = $rin, undef, undef, $t) <= 0;
    if (vec($rout, fileno($sr), 1)) { my $b; sysread $sr, $b, 4096 }
    $gone = 1 if vec($rout, 1, 1) || vec($rout, 2, 1);
    return;
  }
  require IO;
  my @p = (fileno($sr), IO::Poll::POLLIN(), 1, 0, 2, 0);
  IO::Poll::_poll($t * 1000, @p);
  if ($p[1] & IO::Poll::POLLIN()) { my $b; sysread $sr, $b, 4096 }
  for (3, 5) { $gone = 1 if $p[$_] & (IO::Poll::POLLERR() | IO::Poll::POLLHUP() | IO::Poll::POLLNVAL()) }
}
while (1) {
  reap();
  if (defined $status) {
    last unless group_alive();                        # the usual end: leader gone, no stragglers
    $exited_at = now() unless defined $exited_at;
    if (now() - $exited_at >= $drain) { kill_group(); last }
  }
  if ($gone || getppid() != $ppid) { kill_group(); last }
  wait_events(defined $status ? 0.02 : 0.2);
}
for (1 .. 50) { reap(); last if defined $status; nap(0.01) }
exit(!defined $status ? 255 : ($status & 127) ? 128 + ($status & 127) : $status >> 8);
