import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { MAX_REMOTE_COMMAND, newNonce, posixQuote, printfEscape, remoteCommand } from '../../../src/internal/remote/remoteCommand.js';
import { resolveHost } from '../../../src/internal/remote/resolveHost.js';

const plan = (argv: string[], extra = {}) => ({ argv, cwd: undefined, env: undefined, killSignal: 'SIGTERM' as const, killTimeout: 1000, drainTimeout: 1000, ...extra });

describe('internal/remote/remoteCommand', () => {
  it('the committed helpers (wrappers.ts) are what scripts/embed-wrappers.mjs makes of their sources', () => {
    const check = spawnSync(process.execPath, [resolve(__dirname, '../../../scripts/embed-wrappers.mjs'), '--check']);
    expect(check.status, 'run npm run build after editing wrapper.pl or wrapper.sh').to.equal(0);
  });

  it('is printable ASCII free of quotes, $, backquotes, backslashes, ! and %, apart from its frame', () => {
    const command = remoteCommand(plan(['printf', "it's $HOME `x` \\ ! % \n ü"]), resolveHost('t', { host: 'h' })!, newNonce())!;
    const inner = command.slice(command.indexOf('printf "') + 8, command.lastIndexOf('")"'));
    expect(inner).to.match(/^[\x20-\x7e]*$/);
    expect(inner).not.to.match(/['"$`!%]/);
    expect(inner.replace(/\\[0-7]{3}/g, '')).not.to.contain('\\');
  });

  for (const wrapper of ['perl', 'sh'] as const) {
    it(`runs here under sh -c with every argument intact, and reports spawn and exit (${wrapper})`, () => {
      const args = ['', "it's", '$HOME', '`id`', 'a\nb', '\\x41%s', '-n', 'ü🚀', '\x1e'];
      const nonce = newNonce();
      const command = remoteCommand(plan(['sh', '-c', `printf '%s\\0' "$@"; exit 5`, 'sh', ...args]), resolveHost('t', { host: { host: 'h', wrapper } })!, nonce)!;
      const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'latin1' });
      expect(run.status).to.equal(5);
      expect(Buffer.from(run.stdout, 'latin1').toString('utf8').split('\0').slice(0, -1)).to.deep.equal(args);
      expect(run.stderr).to.match(new RegExp(`^\\x1e${nonce} spawn \\d+ ${wrapper}\\n\\x1e${nonce} exit 5\\n$`));
    });
  }

  it('refuses (undefined) a command longer than one argument may be', () => {
    const host = resolveHost('t', { host: 'h' })!;
    expect(remoteCommand(plan(['echo', 'x'.repeat(MAX_REMOTE_COMMAND)]), host, newNonce())).to.equal(undefined);
    expect(remoteCommand(plan(['echo', 'x'.repeat(1000)]), host, newNonce())).to.be.a('string');
  });

  it('posixQuote and printfEscape round-trip through sh and printf', () => {
    const word = "a'b\\c$d\n\x01é";
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${posixQuote(word)}`], { encoding: 'utf8' })).to.equal(word);
    expect(execFileSync('/bin/sh', ['-c', `printf "${printfEscape(Buffer.from(word))}"`], { encoding: 'utf8' })).to.equal(word);
  });
});
