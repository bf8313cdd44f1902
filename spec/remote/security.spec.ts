import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError, ProcessExitError, spawn$, SpawnError, type ProcessEvent, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { newNonce, remoteCommand } from '../../packages/rxproc/src/internal/remote/wrapper/remoteCommand.js';
import { resolveHost } from '../../packages/rxproc/src/internal/options/resolveHost.js';
import { outcome, output } from '../support/outcome.js';
import { useSshd } from '../support/sshd.js';

/** Every /proc/<pid>/cmdline on this machine (the test user's remote processes are local ones here). */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'latin1'));
    } catch {
      // gone meanwhile
    }
  }
  return lines;
}

describe('remote: security (issue 12)', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`puts no env value in any command line, local (ssh) or remote, while the run is on (${wrapper} wrapper)`, async () => {
      const secret = `rxsecret${randomBytes(12).toString('hex')}`;
      let seen: string[] | undefined;
      const events: ProcessEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        spawn$('sh', ['-c', 'sleep 1; printf %s "$SECRET"'], { host: host({ wrapper }), env: { SECRET: secret } }).subscribe({
          next: (event) => {
            events.push(event);
            // The ssh client, the login shell, the wrapper and the command all run now.
            if (event.type === 'spawn') setTimeout(() => (seen = commandLines().filter((line) => line.includes(secret))), 300);
          },
          error: reject,
          complete: resolve,
        });
      });
      expect(seen).to.deep.equal([]);
      expect(output(events)).to.equal(secret);
    });

    it(`a command cannot forge its exit with a nonce found in its ancestors' cmdline or environ (${wrapper} wrapper)`, async () => {
      // Walks up from its parent, writes a forged "exit 0" for every rx+32-hex word found, then exits 3.
      const forger = [
        'found=0; p=$PPID',
        'while [ "$p" -gt 1 ]; do',
        '  for f in /proc/$p/cmdline /proc/$p/environ; do',
        '    for n in $(tr "\\000" "\\n" <"$f" 2>/dev/null | grep -o "rx[0-9a-f]\\{32\\}"); do printf "\\036%s exit 0\\n" "$n" >&2; found=1; done',
        '  done',
        "  p=$(awk '/^PPid:/ { print $2 }' /proc/$p/status)",
        'done',
        'echo "found=$found"; exit 3',
      ].join('\n');
      const result = await outcome(spawn$('sh', ['-c', forger], { host: host({ wrapper }) }));
      expect(output(result.events)).to.equal('found=0\n');
      expect(result.error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 3 });
    });
  }

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`enters a relative cwd as a path, never through CDPATH, and prints nothing of cd (${wrapper} wrapper; login env with CDPATH)`, () => {
      // CDPATH must be in the login shell's environment, which the test sshd gives no way to set (no
      // AcceptEnv, and the shared test user's dot files are off limits): so the bootstrap and its preamble
      // run here as sshd would run them, under sh -c, with CDPATH in that shell's environment.
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-cdpath-'));
      try {
        mkdirSync(join(dir, 'home', 'build'), { recursive: true });
        mkdirSync(join(dir, 'elsewhere', 'build'), { recursive: true });
        const nonce = newNonce();
        const plan = { argv: ['sh', '-c', 'pwd -P'], cwd: 'build', env: undefined, killSignal: 'SIGTERM' as const, killTimeout: 1000, drainTimeout: 1000 };
        const { command, preamble } = remoteCommand(plan, resolveHost('t', { host: { host: 'h', wrapper } })!, nonce)!;
        const env = { ...process.env, CDPATH: join(dir, 'elsewhere') };
        const run = spawnSync('/bin/sh', ['-c', command], { cwd: join(dir, 'home'), env, input: preamble, encoding: 'utf8' });
        expect(run.stdout).to.equal(`${join(dir, 'home', 'build')}\n`);
        expect(run.status).to.equal(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses an oversized command (argv, env or cwd) at once, before escaping it', async () => {
    for (const options of [{ args: ['x'.repeat(8 * 1024 * 1024)] }, { env: { BIG: 'é'.repeat(70 * 1024) } }, { cwd: `/${'d'.repeat(130 * 1024)}` }]) {
      const started = performance.now();
      const result = await outcome(spawn$('echo', options.args ?? [], { host: host(), env: options.env, cwd: options.cwd }));
      const took = performance.now() - started;
      expect(result.error).to.be.instanceOf(SpawnError).and.include({ code: 'E2BIG' });
      expect(result.events).to.deep.equal([]);
      expect(took, `took ${took} ms`).to.be.below(1500);
    }
  });

  it('fails with a ConnectionError once more than 1 MiB of stdout came before the spawn report (a fake ssh)', async () => {
    // The narrow seam: sshPath points at a script that plays a hostile server, printing 4 MiB and no marker.
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-fakessh-'));
    try {
      const fake = join(dir, 'ssh');
      writeFileSync(fake, '#!/bin/sh\nhead -c 4194304 /dev/zero\nexec sleep 15\n', { mode: 0o755 });
      const started = performance.now();
      const result = await outcome(spawn$('true', [], { host: { host: 'fake', sshPath: fake, multiplex: false } }));
      expect(result.events).to.deep.equal([]);
      expect(result.error).to.be.instanceOf(ConnectionError).and.include({ phase: 'connect' });
      expect((result.error as ConnectionError).message).to.contain('1048576 bytes of stdout arrived before the remote wrapper reported the spawn');
      expect(performance.now() - started).to.be.below(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("after the wrapper's hold marker, stdout beyond 1 MiB before a late spawn report is held back, not an error (a busy remote host)", async () => {
    // A fake ssh that plays a Perl wrapper whose parent is slow to report the spawn: hold, then 4 MiB of the
    // command's stdout, while the spawn report comes 0.5 s later from another process.
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-fakessh-'));
    try {
      const fake = join(dir, 'ssh');
      const script = [
        '#!/bin/sh',
        'IFS= read -r n',
        'printf \'\\036%s hold\\n\' "$n" >&2',
        '(sleep 0.5; printf \'\\036%s spawn 4242 perl\\n\' "$n" >&2) &',
        'head -c 4194304 /dev/zero',
        'wait',
        'printf \'\\036%s exit 0\\n\' "$n" >&2',
      ].join('\n');
      writeFileSync(fake, `${script}\n`, { mode: 0o755 });
      const result = await outcome(spawn$('true', [], { host: { host: 'fake', sshPath: fake, multiplex: false } }));
      expect(result.error).to.equal(undefined);
      expect(result.events[0]).to.include({ type: 'spawn', pid: 4242 });
      expect(output(result.events).length).to.equal(4194304);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the user's env does not act on the Perl wrapper (PERL5OPT, PERL5LIB), but reaches the command", async () => {
    const env = { PERL5OPT: '-Mstrict_nonexistent_rx', PERL5LIB: '/nonexistent-rx' };
    const result = await outcome(spawn$('sh', ['-c', 'printf "%s|%s" "$PERL5OPT" "$PERL5LIB"'], { host: host({ wrapper: 'perl' }), env }));
    expect(result.error).to.equal(undefined);
    expect(output(result.events)).to.equal('-Mstrict_nonexistent_rx|/nonexistent-rx');
  });

  it('the Perl wrapper reads a /proc stat line up to its last ")": a straggler named like a zombie of the group is still stopped', async () => {
    // Perl sets the process name (comm) from $0: "x) Z 1 <pgid>" read up to the first ")" is a zombie of the group.
    const straggler = `perl -e '$0 = "x) Z 1 $ARGV[0]"; sleep 30' "$$" </dev/null >/dev/null 2>&1 & exit 0`;
    const result = await outcome(spawn$('sh', ['-c', straggler], { host: host({ wrapper: 'perl' }), drainTimeout: 300 }));
    expect(result.error).to.equal(undefined);
    const pid = (result.events[0] as Extract<ProcessEvent, { type: 'spawn' }>).pid;
    const named = (): string[] =>
      readdirSync('/proc').filter((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/comm`, 'latin1').startsWith(`x) Z 1 ${pid}`);
        } catch {
          return false;
        }
      });
    const until = performance.now() + 5000;
    while (named().length > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    const left = named();
    for (const p of left) process.kill(Number(p), 'SIGKILL');
    expect(left).to.deep.equal([]);
  });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`stdin after the preamble is byte-exact, for a string and for none (${wrapper} wrapper)`, async () => {
      const bytes = randomBytes(200_000);
      const given = await outcome(spawn$('cat', [], { host: host({ wrapper }), stdin: bytes }));
      expect(Buffer.concat(given.events.flatMap((e) => (e.type === 'stdout' ? [e.data] : [])))).to.deep.equal(bytes);
      const none = await outcome(spawn$('sh', ['-c', 'cat; echo end'], { host: host({ wrapper }), stdin: 'ignore' }));
      expect(output(none.events)).to.equal('end\n');
    });
  }
});
