import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn$, SpawnError, type OutputOption, type SpawnOptions } from '../../../packages/rxproc/src/index.js';
import { outcome, output } from '../../support/outcome.js';
import { eventually } from '../../support/processes.js';
import { useSshd } from '../../support/sshd.js';

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

describe('file redirects (src/internal/local/stdio.ts)', function () {
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
    it('a FIFO with a reader gets a blocking descriptor: 300 kB through a slow reader arrive whole', async () => {
      // The open is non-blocking (so a FIFO without a reader can never block the host); the child must still
      // get a blocking descriptor, or its writes into the full FIFO would fail with EAGAIN.
      const dir = mkdtempSync(join(tmpdir(), 'rxproc-fifo-'));
      let reader: ReturnType<typeof spawn> | undefined;
      try {
        const fifo = join(dir, 'fifo');
        execFileSync('mkfifo', [fifo]);
        // The reader opens the FIFO read-write (never blocks), says so, then reads slowly: 300 kB, far more
        // than the FIFO holds, so the writer must block while it waits.
        reader = spawn('sh', ['-c', 'exec 3<>"$1"; echo ready; sleep 0.3; head -c 300000 <&3 | wc -c', 'sh', fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
        let said = '';
        reader.stdout!.on('data', (data: Buffer) => (said += data.toString()));
        const readerDone = new Promise((resolve) => reader!.once('close', resolve));
        await eventually(() => said.startsWith('ready'), 30_000, 5);
        const { error } = await outcome(spawn$('head', ['-c', '300000', '/dev/zero'], { stdout: { file: fifo } }));
        expect(error).to.equal(undefined);
        await readerDone;
        expect(said.replace('ready', '').trim()).to.equal('300000');
      } finally {
        // (a writer that failed leaves the reader waiting for bytes that never come)
        reader?.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a redirect to a device (/dev/null) works as before', async () => {
      const { error } = await outcome(
        spawn$('head', ['-c', '300000', '/dev/zero'], { stdout: { file: '/dev/null' }, stderr: { file: '/dev/null', append: true } }),
      );
      expect(error).to.equal(undefined);
    });
  });

  describe("remote (the redirect files are the host's)", () => {
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
