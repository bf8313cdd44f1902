import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { posixQuote } from '../../../../packages/rxproc/src/errors/formatCommand.js';
import {
  MAX_REMOTE_COMMAND,
  newControlId,
  newNonce,
  printfEscape,
  remoteCommand,
} from '../../../../packages/rxproc/src/internal/remote/wrapper/remoteCommand.js';
import { resolveHost } from '../../../../packages/rxproc/src/internal/options/resolveHost.js';

const plan = (argv: string[], extra = {}) => ({
  argv,
  cwd: undefined,
  env: undefined,
  killSignal: 'SIGTERM' as const,
  killTimeout: 1000,
  drainTimeout: 1000,
  ...extra,
});

describe('internal/remote/remoteCommand', () => {
  it('the committed wrappers (wrappers.ts) are what scripts/embed-wrappers.mjs makes of their sources', () => {
    const check = spawnSync(process.execPath, [resolve(__dirname, '../../../../packages/rxproc/scripts/embed-wrappers.mjs'), '--check'], { encoding: 'utf8' });
    expect(check.status, check.stderr).to.equal(0);
  });

  it('embed-wrappers.mjs --check fails on drift and writes nothing; without --check it writes (on a copy)', () => {
    const root = mkdtempSync(join(tmpdir(), 'rxproc-embed-'));
    try {
      const from = resolve(__dirname, '../../../../packages/rxproc');
      const remote = 'src/internal/remote/wrapper';
      mkdirSync(join(root, 'scripts'));
      mkdirSync(join(root, remote), { recursive: true });
      for (const file of ['scripts/embed-wrappers.mjs', `${remote}/wrapper.pl`, `${remote}/wrapper.sh`, `${remote}/wrappers.ts`])
        copyFileSync(join(from, file), join(root, file));
      const embed = (...flags: string[]) => spawnSync(process.execPath, [join(root, 'scripts/embed-wrappers.mjs'), ...flags], { encoding: 'utf8' });
      expect(embed('--check').status).to.equal(0);
      appendFileSync(join(root, remote, 'wrapper.sh'), 'exit 0\n');
      const committed = readFileSync(join(root, remote, 'wrappers.ts'), 'utf8');
      const drift = embed('--check');
      expect(drift.status).to.equal(1);
      expect(drift.stderr).to.contain('src/internal/remote/wrapper/wrappers.ts is out of date with wrapper.pl/wrapper.sh: run npm run embed');
      expect(readFileSync(join(root, remote, 'wrappers.ts'), 'utf8')).to.equal(committed);
      expect(embed().status).to.equal(0);
      expect(readFileSync(join(root, remote, 'wrappers.ts'), 'utf8')).to.contain('exit 0\\n";');
      expect(embed('--check').status).to.equal(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is printable ASCII free of quotes, $, backquotes, backslashes, ! and %, apart from its frame', () => {
    const { command } = remoteCommand(plan(['printf', "it's $HOME `x` \\ ! % \n ü"]), resolveHost('t', { host: 'h' })!, newNonce())!;
    const inner = command.slice(command.indexOf('printf "') + 8, command.lastIndexOf('")"'));
    expect(inner).to.match(/^[\x20-\x7e]*$/);
    expect(inner).not.to.match(/['"$`!%]/);
    expect(inner.replace(/\\[0-7]{3}/g, '')).not.to.contain('\\');
  });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`runs here under sh -c with every argument intact, and reports spawn and exit (${wrapper})`, () => {
      const args = ['', "it's", '$HOME', '`id`', 'a\nb', '\\x41%s', '-n', 'ü🚀', '\x1e'];
      const nonce = newNonce();
      const { command, preamble } = remoteCommand(
        plan(['sh', '-c', `printf '%s\\0' "$@"; exit 5`, 'sh', ...args]),
        resolveHost('t', { host: { host: 'h', wrapper } })!,
        nonce,
      )!;
      const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'latin1', input: preamble });
      expect(run.status).to.equal(5);
      expect(Buffer.from(run.stdout, 'latin1').toString('utf8').split('\0').slice(0, -1)).to.deep.equal(args);
      // Perl reports the spawn once the exec has succeeded, after "hold" (see MarkerParser).
      const hold = wrapper === 'perl' ? `\\x1e${nonce} hold\\n` : '';
      expect(run.stderr).to.match(new RegExp(`^${hold}\\x1e${nonce} spawn \\d+ ${wrapper}\\n\\x1e${nonce} exit 5\\n$`));
    });

    it(`with a control id, names its control process in a ctl report; without one, never (${wrapper})`, () => {
      const nonce = newNonce();
      const host = resolveHost('t', { host: { host: 'h', wrapper } })!;
      const markers = (extra: object): string[] => {
        const { command, preamble } = remoteCommand(plan(['sh', '-c', 'exit 3'], extra), host, nonce)!;
        const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'latin1', input: preamble });
        expect(run.status).to.equal(3);
        return run.stderr
          .split('\n')
          .filter(Boolean)
          .map((line) => line.slice(nonce.length + 2).replace(/\d+/g, 'N'));
      };
      // Perl names itself before "hold" (data held after it is released at "spawn"); sh, its watcher, after the spawn.
      const withControl = wrapper === 'perl' ? ['ctl N', 'hold', 'spawn N perl', 'exit N'] : ['spawn N sh', 'ctl N', 'exit N'];
      expect(markers({ control: newControlId() })).to.have.members(withControl);
      if (wrapper === 'perl') expect(markers({ control: newControlId() })).to.deep.equal(withControl);
      expect(markers({}).some((marker) => marker.startsWith('ctl'))).to.equal(false);
    });

    it(`reports a command that cannot be executed as an error, with no spawn (${wrapper})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-wrapper-'));
      try {
        writeFileSync(join(dir, 'plain'), '#!/bin/sh\necho ran\n', { mode: 0o644 });
        writeFileSync(join(dir, 'runnable'), '#!/bin/sh\necho "ran $0"\n', { mode: 0o755 });
        mkdirSync(join(dir, 'bin1'));
        mkdirSync(join(dir, 'bin2'));
        mkdirSync(join(dir, 'bin1', 'dircmd'));
        writeFileSync(join(dir, 'bin1', 'both'), '#!/bin/sh\necho no\n', { mode: 0o644 });
        writeFileSync(join(dir, 'bin2', 'both'), '#!/bin/sh\necho yes\n', { mode: 0o755 });
        const run = (argv: string[], env: Record<string, string> = {}) => {
          const nonce = newNonce();
          const { command, preamble } = remoteCommand(plan(argv, { cwd: dir, env }), resolveHost('t', { host: { host: 'h', wrapper } })!, nonce)!;
          const result = spawnSync('/bin/sh', ['-c', command], { encoding: 'latin1', input: preamble });
          return {
            status: result.status,
            stdout: result.stdout,
            markers: result.stderr
              .split('\n')
              .filter((line) => line.startsWith(`\x1e${nonce} `))
              .map((line) => line.slice(nonce.length + 2)),
          };
        };
        const path = `${dir}/bin1:${dir}/bin2:${process.env.PATH}`;
        const failed = (errno: string, status: number) => ({
          status,
          stdout: '',
          markers: wrapper === 'perl' ? ['hold', `error exec ${errno}`] : [`error exec ${errno}`],
        });
        expect(run(['./plain'])).to.deep.equal(failed('EACCES', 126));
        expect(run([join(dir, 'plain')])).to.deep.equal(failed('EACCES', 126));
        expect(run(['/tmp'])).to.deep.equal(failed('EACCES', 126));
        expect(run(['./no-such-file'])).to.deep.equal(failed('ENOENT', 127));
        expect(run(['no-such-command-rx'])).to.deep.equal(failed('ENOENT', 127));
        expect(run(['dircmd'], { PATH: path })).to.deep.equal(failed('EACCES', 126));
        expect(run(['plain'], { PATH: `${dir}:${process.env.PATH}` })).to.deep.equal(failed('EACCES', 126));
        // A runnable file later on PATH wins over a directory or a file without x before it.
        const both = run(['both'], { PATH: path });
        expect(both.stdout).to.equal('yes\n');
        expect(both.markers.filter((marker) => marker !== 'hold').map((marker) => marker.replace(/^spawn \d+/, 'spawn N'))).to.deep.equal([
          `spawn N ${wrapper}`,
          'exit 0',
        ]);
        expect(run(['./runnable']).stdout).to.equal('ran ./runnable\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses (undefined) a command longer than one argument may be', () => {
    const host = resolveHost('t', { host: 'h' })!;
    expect(remoteCommand(plan(['echo', 'x'.repeat(MAX_REMOTE_COMMAND)]), host, newNonce())).to.equal(undefined);
    expect(remoteCommand(plan(['echo', 'x'.repeat(1000)]), host, newNonce())).to.be.an('object');
  });

  it('posixQuote and printfEscape round-trip through sh and printf', () => {
    const word = "a'b\\c$d\n\x01é";
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${posixQuote(word)}`], { encoding: 'utf8' })).to.equal(word);
    expect(execFileSync('/bin/sh', ['-c', `printf "${printfEscape(Buffer.from(word))}"`], { encoding: 'utf8' })).to.equal(word);
  });
});
