import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn$, SpawnError, type OutputOption, type SpawnOptions } from '../../src/index.js';
import { outcome, output } from '../support/outcome.js';
import { useSshd } from '../support/sshd.js';

/** A folder with `target` (a file that must not change) and `link`, a symbolic link to it. */
function plantedLink(): { dir: string; target: string; link: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rxproc-nofollow-'));
  const target = join(dir, 'target');
  const link = join(dir, 'link');
  writeFileSync(target, 'precious\n');
  symlinkSync(target, link);
  return { dir, target, link };
}

/** Expects the run to have failed with ELOOP before starting (local or remote), naming the file, and `target` untouched. */
function expectRefusedLink(result: Awaited<ReturnType<typeof outcome>>, stream: 'stdout' | 'stderr', link: string, target: string): void {
  expect(result.error).to.be.instanceOf(SpawnError).and.include({ code: 'ELOOP' });
  expect((result.error as Error).message).to.include(`cannot open ${link} for ${stream}: it is a symbolic link, and noFollow is set`);
  expect(result.events).to.deep.equal([]);
  expect(readFileSync(target, 'utf8')).to.equal('precious\n');
}

const cases = (host: () => SpawnOptions['host']): void => {
  for (const stream of ['stdout', 'stderr'] as const) {
    it(`noFollow: a ${stream} redirect to a symbolic link fails the spawn (ELOOP) naming the file; the target is untouched`, async () => {
      const { dir, target, link } = plantedLink();
      try {
        for (const append of [false, true]) {
          const redirect: OutputOption = { file: link, noFollow: true, append };
          expectRefusedLink(await outcome(spawn$('sh', ['-c', 'echo out; echo err >&2'], { host: host(), [stream]: redirect })), stream, link, target);
        }
        // stdout and stderr sharing the file: noFollow on either one refuses it.
        const mark = (which: 'stdout' | 'stderr'): OutputOption => ({ file: link, noFollow: which === stream });
        const shared = await outcome(spawn$('true', [], { host: host(), stdout: mark('stdout'), stderr: mark('stderr') }));
        expect(shared.error).to.be.instanceOf(SpawnError).and.include({ code: 'ELOOP' });
        expect(readFileSync(target, 'utf8')).to.equal('precious\n');
        // A regular file is written as without noFollow; the default still follows a link.
        const plain = join(dir, 'plain');
        const ok = await outcome(spawn$('sh', ['-c', `echo hi >&${stream === 'stdout' ? 1 : 2}`], { host: host(), [stream]: { file: plain, noFollow: true } }));
        expect(ok.error).to.equal(undefined);
        expect(readFileSync(plain, 'utf8')).to.equal('hi\n');
        const followed = await outcome(spawn$('sh', ['-c', `echo new >&${stream === 'stdout' ? 1 : 2}`], { host: host(), [stream]: { file: link } }));
        expect(followed.error).to.equal(undefined);
        expect(readFileSync(target, 'utf8')).to.equal('new\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
};

describe('file redirects (src/internal/stdio.ts)', function () {
  this.timeout(30_000);

  describe('local', () => {
    cases(() => undefined);

    it('noFollow on a FIFO nobody reads still fails with ENXIO, not a hang', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-fifo-'));
      try {
        const fifo = join(dir, 'fifo');
        execFileSync('mkfifo', [fifo]);
        const { error } = await outcome(spawn$('echo', ['hi'], { stderr: { file: fifo, noFollow: true } }));
        expect(error).to.be.instanceOf(SpawnError).and.include({ code: 'ENXIO' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('remote (the redirect files are the host\'s)', () => {
    const sshd = useSshd();
    cases(() => sshd().host);

    it('a stderr redirect to a FIFO nobody reads fails with SpawnError ENXIO instead of blocking the host', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-fifo-'));
      // Without the guard the host blocks inside subscribe(), where no mocha timeout can fire: a reader that
      // comes after 3 s ends that block, so the spec fails (the spawn succeeds, late) instead of hanging.
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const late = spawn('sh', ['-c', 'sleep 3; exec cat "$1" >/dev/null', 'sh', fifo], { stdio: 'ignore', detached: true });
      try {
        const { error, events } = await outcome(spawn$('sh', ['-c', 'echo out; echo err >&2'], { host: sshd().host, stderr: { file: fifo } }));
        expect(error).to.be.instanceOf(SpawnError).and.include({ code: 'ENXIO' });
        expect((error as Error).message).to.include(`cannot open ${fifo} for stderr: it is a FIFO that nobody reads`);
        expect(output(events)).to.equal('');
      } finally {
        process.kill(-late.pid!, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
