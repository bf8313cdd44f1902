# rxproc remote wrapper, core Perl only (5.8+). Shipped inline with each command, never installed.
# Run as: perl -e "$WRAPPER", no arguments. Everything else comes first on stdin, read exactly (sysread: no
# buffer reads ahead), so that the command's stdin is what follows, byte for byte:
#   NONCE LF LENGTH LF then LENGTH bytes of records, one a line, the last ".": S signal, G grace ms, D drain ms,
#   K control id, C cwd, E name=value, U name, A argument (in order), Z (sh code, for wrapper.sh); \ooo escapes
#   \, % and LF.
# The nonce is in no argv, $0 or environment: the command cannot forge a marker. The env applies only to
# the command's exec, never to this interpreter (PERL5OPT, PERL5LIB, LD_PRELOAD, PATH).
# stdin/stdout/stderr are the ssh session's; the command inherits them as they are (no relay, no copy).
# On stderr it writes markers, each exactly "\x1e" NONCE " " WORDS "\n" (one write, < PIPE_BUF):
#   hold | ctl PID | spawn PID WRAPPER | exit CODE | signal SIGNAME | error exec ERRNO | error cwd FAILED
# With a control id (K), "ctl" names this process: SIGURG to it stops the command's group as a lost
# connection would (killSignal, SIGKILL after the grace) while the output still flows, and its $0 holds
# the id, so that the stop request can tell it from a process that reused its pid (docs/remote.md).
# Start-up cost matters (it is paid by every run): no module is loaded up front. Where the session's
# stdout and stderr are pipes (Linux, with OpenSSH's USE_PIPES), the built-in select() watches them;
# elsewhere IO's poll() does. POSIX, Config, Errno and Time::HiRes load only when needed.
# No "use warnings": a warning would land in the command's stderr.
use strict;

sub rd { my $b = ''; while (length($b) < $_[0]) { last unless sysread STDIN, $b, $_[0] - length($b), length($b) } $b }
sub line { my $l = ''; while (1) { my $c = rd(1); exit 126 if $c eq ''; return $l if $c eq "\n"; $l .= $c } }
my $n = line();
my $len = line();
exit 126 unless $n =~ /^rx[0-9a-f]{32}$/ && $len =~ /^\d{1,9}$/;
my $block = rd($len);
exit 126 unless length($block) == $len;
my ($sig, $grace, $drain, $cwd, $ctl, @env) = ('TERM', 5000, 5000);
@ARGV = ();
for (split /\n/, $block) {
  my ($k, $v) = (substr($_, 0, 1), substr($_, 1));
  $v =~ s/\\([0-7]{3})/chr(oct $1)/ge;
  if ($k eq 'S') { $sig = $v }
  elsif ($k eq 'G') { $grace = $v }
  elsif ($k eq 'D') { $drain = $v }
  elsif ($k eq 'K') { $ctl = $v if $v =~ /^[0-9a-f]{16}$/ }
  elsif ($k eq 'C') { $cwd = $v }
  elsif ($k eq 'E') { push @env, [split /=/, $v, 2] }
  elsif ($k eq 'U') { push @env, [$v] }
  elsif ($k eq 'A') { push @ARGV, $v }
}
$0 = defined $ctl ? "rxproc-wrap $ctl" : 'rxproc-wrap';
my $ppid = getppid();
my $WNOHANG = $^O =~ /^(linux|darwin|freebsd|openbsd|netbsd|dragonfly|midnightbsd|aix|hpux|cygwin)$/ ? 1 : do { require POSIX; POSIX::WNOHANG() };
sub mark { my $m = "\x1e$n @_\n"; syswrite STDERR, $m }
sub now { require Time::HiRes; Time::HiRes::time() * 1000 }
sub nap { select undef, undef, undef, $_[0] }
# Not %!: naming it anywhere in the source loads Errno (and Exporter) at compile time, on every run.
sub errname { my $e = shift; require Errno; for (sort @Errno::EXPORT_OK) { my $f = Errno->can($_); return $_ if $f && $f->() == $e } 'EUNKNOWN' }
sub signame {
  require Config;
  my @names = split ' ', $Config::Config{sig_name};
  my @nums = split ' ', $Config::Config{sig_num};
  for (0 .. $#nums) { return "SIG$names[$_]" if $nums[$_] == $_[0] }
  "SIG$_[0]";
}
$sig =~ s/^SIG//;
die "rxproc-wrap: no command\n" unless @ARGV;
# chdir: never CDPATH, prints nothing.
if (defined $cwd && !chdir $cwd) { mark('error cwd FAILED'); exit 126 }

# The command runs in a child of its own (a new process group), with the argv[0] it was given; its PATH
# search is execvp's (EACCES when only a non-executable or a directory matched). "spawn" is reported once
# its exec has succeeded, never before: the status pipe's write end is close-on-exec (as every fd above $^F
# is in Perl), so EOF there means the command runs, and 4 bytes are the errno of an exec that failed.
# By then the command may have written to stderr: "hold" tells rxproc to pass that on after the report.
pipe(my $str, my $stw) or die "pipe: $!";
# "ctl" comes before "hold" (data held after "hold" is released at the next marker, which must be "spawn"),
# so its handler is in place before a stop can be asked for: one that comes early stops the command once it runs.
my ($stop, $sw) = (0);
if (defined $ctl) {
  $SIG{URG} = sub { $stop = 1; syswrite $sw, 's' if defined $sw };
  mark("ctl $$");
}
mark('hold');
my $pid = fork;
if (!defined $pid) { mark('error fork ' . errname($! + 0)); exit 126 }
if ($pid == 0) {
  close $str;
  setpgrp(0, 0);
  $SIG{$_} = 'DEFAULT' for qw(PIPE INT QUIT TERM HUP CHLD TSTP TTIN TTOU USR1 USR2 ALRM URG);
  for (@env) { if (@$_ == 2) { $ENV{$_->[0]} = $_->[1] } else { delete $ENV{$_->[0]} } }
  exec { $ARGV[0] } @ARGV;
  syswrite $stw, pack('N', $! + 0);
  exit 126;
}
close $stw;
setpgrp($pid, $pid);    # the child did it already; this fails harmlessly once it has exec'd
$SIG{PIPE} = 'IGNORE';    # a vanished reader must not kill us before we kill the group
pipe(my $sr, $sw) or die "pipe: $!";    # self-pipe: signals wake the poll below
my $gone = 0;
$SIG{CHLD} = sub { syswrite $sw, 'c' };
$SIG{$_} = sub { $gone = 1; syswrite $sw, 'g' } for qw(HUP TERM INT);

my $st = '';
while (length($st) < 4) {
  my $got = sysread $str, $st, 4 - length($st), length($st);
  next if !defined $got && errname($! + 0) eq 'EINTR';    # a signal came first: read again
  last unless $got;
}
close $str;
if (length($st) == 4) {
  my $e = errname(unpack 'N', $st);
  waitpid $pid, 0;
  mark("error exec $e");
  exit($e eq 'ENOENT' ? 127 : 126);
}
mark("spawn $pid perl");

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
    next unless defined $s && $s =~ /.*\)\s+(\S)\s+\d+\s+(\d+)/s;    # the last ')': comm may hold one
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
  if ($stop || $gone || getppid() != $ppid) { kill_group(); last }
  wait_events(defined $status ? 0.02 : 0.2);
}
for (1 .. 50) { reap(); last if defined $status; nap(0.01) }
exit(!defined $status ? 255 : ($status & 127) ? 128 + ($status & 127) : $status >> 8);
