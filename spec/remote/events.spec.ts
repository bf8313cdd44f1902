import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom } from 'rxjs';
import { collectOutput, ConnectionError, ProcessExitError, spawn$, SpawnError, type ProcessEvent, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { outcome, output } from '../support/outcome.js';
import { useSshd } from '../support/sshd.js';

// The same awkward arguments as the local specs: quotes, expansions, globs, newlines, options, UTF-8.
const AWKWARD = [
  '',
  ' ',
  'a b',
  "it's",
  '"double"',
  `'\\''`,
  '$HOME',
  '${PATH}',
  '`id`',
  '$(id)',
  'line\nbreak',
  'tab\there',
  'back\\slash',
  '\\101\\x41%s%d%%',
  '*',
  '~',
  '!!',
  '-n',
  '--',
  '-e',
  ';&&|><',
  '#',
  '{a,b}',
  'ünïcödé 🚀',
  '\x1e\x01\x7f',
  '  padded  ',
  '\x1erx00000000000000000000000000000000 exit 0',
];

describe('remote: events, exit and output over ssh', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  it('emits spawn (remote pid, host), stdout, stderr and exit in that order, and completes', async () => {
    const { events, error, completed } = await outcome(spawn$('sh', ['-c', 'echo out; echo err >&2; echo $$'], { host: host() }));
    expect(error).to.equal(undefined);
    expect(completed).to.equal(true);
    const types = events.map((event) => event.type);
    expect(types[0]).to.equal('spawn');
    expect(types.at(-1)).to.equal('exit');
    const spawn = events[0] as Extract<ProcessEvent, { type: 'spawn' }>;
    const exit = events.at(-1) as Extract<ProcessEvent, { type: 'exit' }>;
    expect(spawn.host).to.equal(sshd().host.host);
    expect(output(events)).to.equal(`out\n${spawn.pid}\n`);
    expect(output(events, 'stderr')).to.equal('err\n');
    expect(exit).to.include({ pid: spawn.pid, exitCode: 0, signal: null, host: sshd().host.host });
  });

  it('reports the remote exit code, and a death by signal by its name; a remote exit 255 is not a transport error', async () => {
    const three = await outcome(spawn$('sh', ['-c', 'echo bad >&2; exit 3'], { host: host() }));
    expect(three.error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: 3, signal: null, stderr: 'bad\n' });
    expect((three.error as Error).message)
      .to.contain('exit code 3 on rxproc-test-host')
      .and.contain('bad');
    const usr1 = await outcome(spawn$('sh', ['-c', 'kill -USR1 $$'], { host: host() }));
    expect(usr1.error).to.be.instanceOf(ProcessExitError).and.include({ exitCode: null, signal: 'SIGUSR1' });
    const ff = await outcome(spawn$('sh', ['-c', 'exit 255'], { host: host() }));
    expect(ff.error).to.be.instanceOf(ProcessExitError).and.not.be.instanceOf(ConnectionError);
    expect((ff.error as ProcessExitError).exitCode).to.equal(255);
  });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`passes every awkward argument byte-exact (${wrapper} wrapper), with a remote cwd and env`, async () => {
      const result = await lastValueFrom(
        spawn$('sh', ['-c', `printf '%s\\0' "$@"; printf '%s\\0' "$PWD" "$ODD"`, 'sh', ...AWKWARD], {
          host: host({ wrapper }),
          cwd: '/tmp',
          env: { ODD: "it's $HOME\n`x`" },
        }).pipe(collectOutput({ encoding: 'buffer' })),
      );
      const words = result.stdout.toString('utf8').split('\0').slice(0, -1);
      expect(words).to.deep.equal([...AWKWARD, '/tmp', "it's $HOME\n`x`"]);
    });
  }

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`the wrapper's own variables never reach the command: env names it uses are the user's (${wrapper} wrapper)`, async () => {
      const env = Object.fromEntries(['s', 'g', 'd', 'n', 'pp', 'lib', 'pid', 'code'].map((name) => [name, `mine-${name}`]));
      const result = await lastValueFrom(
        spawn$('sh', ['-c', 'for v in s g d n pp lib pid code; do eval "printf \'%s \' "\\$$v""; done'], { host: host({ wrapper }), env }).pipe(
          collectOutput(),
        ),
      );
      expect(result.stdout).to.equal('mine-s mine-g mine-d mine-n mine-pp mine-lib mine-pid mine-code ');
    });
  }

  it('streams stdin to the remote command and closes it (EOF) when the source completes', async () => {
    const lines$ = spawn$('sh', ['-c', 'cat; echo "<eof>"'], { host: host(), stdin: from(['a\n', 'b\n', 'c']) });
    expect(output((await outcome(lines$)).events)).to.equal('a\nb\nc<eof>\n');
    // The default stdin is empty: a remote `cat` ends at once instead of waiting for input.
    expect(output((await outcome(spawn$('cat', [], { host: host() }))).events)).to.equal('');
  });

  it('carries binary stdout and stderr byte-exact, marker look-alikes included', async () => {
    const fake = Buffer.from('\x1erx0123456789abcdef0123456789abcdef exit 0\n\x1erx', 'latin1');
    const data = Buffer.concat([fake, randomBytes(1 << 20), fake]);
    const { events, error } = await outcome(spawn$('sh', ['-c', 'tee /dev/fd/2'], { host: host(), stdin: data }));
    expect(error).to.equal(undefined);
    const stream = (name: 'stdout' | 'stderr'): Buffer => Buffer.concat(events.flatMap((e) => (e.type === name ? [e.data] : [])));
    expect(stream('stdout').equals(data)).to.equal(true);
    expect(stream('stderr').equals(data)).to.equal(true);
  });

  it('fails with a SpawnError naming the host for a missing command or cwd, and emits nothing', async () => {
    const missing = await outcome(spawn$('no-such-command-rx', [], { host: host() }));
    expect(missing.events).to.deep.equal([]);
    expect(missing.error).to.be.instanceOf(SpawnError).and.include({ code: 'ENOENT', host: 'rxproc-test-host' });
    const cwd = await outcome(spawn$('true', [], { host: host(), cwd: '/no/such/dir' }));
    expect(cwd.events).to.deep.equal([]);
    expect((cwd.error as SpawnError).message)
      .to.contain('working directory')
      .and.contain('rxproc-test-host');
  });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`fails like a local spawn for what cannot be executed: no spawn event, SpawnError EACCES or ENOENT (${wrapper} wrapper)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-remote-noexec-'));
      try {
        chmodSync(dir, 0o755); // the remote user is not root
        writeFileSync(join(dir, 'not-executable.sh'), '#!/bin/sh\necho ran\n', { mode: 0o644 });
        mkdirSync(join(dir, 'bin'), { mode: 0o755 });
        mkdirSync(join(dir, 'bin', 'a-directory'), { mode: 0o755 });
        const path = `${dir}:${dir}/bin:/usr/local/bin:/usr/bin:/bin`;
        const cases: Array<[string, string, Partial<{ cwd: string; env: Record<string, string> }>]> = [
          ['./not-executable.sh', 'EACCES', { cwd: dir }],
          [join(dir, 'not-executable.sh'), 'EACCES', {}],
          ['/tmp', 'EACCES', {}],
          [join(dir, 'bin'), 'EACCES', {}],
          ['not-executable.sh', 'EACCES', { env: { PATH: path } }],
          ['a-directory', 'EACCES', { env: { PATH: path } }],
          [join(dir, 'missing'), 'ENOENT', {}],
          ['no-such-command-rx', 'ENOENT', { env: { PATH: path } }],
        ];
        for (const [command, code, options] of cases) {
          const { events, error } = await outcome(spawn$(command, [], { host: host({ wrapper }), ...options }));
          expect(events, command).to.deep.equal([]);
          expect(error, command).to.be.instanceOf(SpawnError).and.include({ code, host: 'rxproc-test-host' });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`emits stderr written at once after spawn, never losing it (${wrapper} wrapper)`, async () => {
      for (let run = 0; run < 20; run++) {
        const { events, error } = await outcome(spawn$('sh', ['-c', 'echo err >&2'], { host: host({ wrapper }) }));
        expect(error).to.equal(undefined);
        expect(events.map((event) => event.type)).to.deep.equal(['spawn', 'stderr', 'exit']);
        expect(output(events, 'stderr')).to.equal('err\n');
      }
    });
  }

  it('refuses what cannot be sent with a SpawnError: a NUL byte, a command longer than 128 KiB', async () => {
    const nul = await outcome(spawn$('echo', ['a\0b'], { host: host() }));
    expect(nul.error).to.be.instanceOf(SpawnError).and.include({ code: 'ERR_INVALID_ARG_VALUE' });
    const long = await outcome(spawn$('echo', ['x'.repeat(200_000)], { host: host() }));
    expect(long.error).to.be.instanceOf(SpawnError).and.include({ code: 'E2BIG' });
    expect(nul.events.concat(long.events)).to.deep.equal([]);
  });

  it('redirects stdout and stderr to local files, separately or shared as >file 2>&1; ignores stderr; an unopenable file is a SpawnError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-remote-redirect-'));
    try {
      const script = 'echo out1; echo err1 >&2; sleep 0.05; echo out2; echo err2 >&2';
      const out = join(dir, 'out');
      const err = join(dir, 'err');
      writeFileSync(err, 'old\n');
      const separate = await outcome(spawn$('sh', ['-c', script], { host: host(), stdout: { file: out }, stderr: { file: err } }));
      expect(separate.error).to.equal(undefined);
      expect(separate.events.map((event) => event.type)).to.deep.equal(['spawn', 'exit']);
      expect(readFileSync(out, 'utf8')).to.equal('out1\nout2\n');
      expect(readFileSync(err, 'utf8')).to.equal('err1\nerr2\n');
      const both = join(dir, 'both');
      writeFileSync(both, 'old\n');
      await outcome(spawn$('sh', ['-c', script], { host: host(), stdout: { file: both }, stderr: { file: both } }));
      expect(readFileSync(both, 'utf8').split('\n').sort().join(' ')).to.equal(' err1 err2 out1 out2');
      const ignored = await outcome(spawn$('sh', ['-c', script], { host: host(), stderr: 'ignore' }));
      expect(ignored.completed).to.equal(true);
      expect(ignored.events.filter((event) => event.type === 'stderr')).to.deep.equal([]);
      expect(output(ignored.events)).to.equal('out1\nout2\n');
      const refused = await outcome(spawn$('true', [], { host: host(), stderr: { file: join(dir, 'no/such/dir/err') } }));
      expect(refused.error).to.be.instanceOf(SpawnError).and.include({ code: 'ENOENT' });
      expect((refused.error as Error).message).to.contain('for stderr');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reaches a host by address with user, port, key and ssh options given in code, no ssh config file', async () => {
    const { dir, port, user } = sshd();
    const explicit: RemoteHost = {
      host: '127.0.0.1',
      user,
      port,
      identityFile: `${dir}/keys/id_ed25519`,
      sshOptions: { UserKnownHostsFile: `${dir}/known_hosts`, HostKeyAlias: 'rxproc-test-host', StrictHostKeyChecking: 'yes', IdentitiesOnly: true },
    };
    const result = await lastValueFrom(spawn$('id', ['-un'], { host: explicit }).pipe(collectOutput()));
    expect(result.stdout).to.equal(`${user}\n`);
  });

  it('works on a connection of its own too (multiplex: false)', async () => {
    const result = await lastValueFrom(spawn$('echo', ['direct'], { host: host({ multiplex: false }) }).pipe(collectOutput()));
    expect(result.stdout).to.equal('direct\n');
  });
});
