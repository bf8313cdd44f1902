import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { UsageMeter } from '../../packages/cli/src/usageMeter.js';
import { eventually, isAlive, procInfo } from '../support/processes.js';

const SPIN = resolve(__dirname, '../fixtures/cpuSpin.mjs');
/** `node cpuSpin.mjs MS [stdin]` as a shell word list. */
const spin = (ms: number, mode = ''): string => `'${process.execPath}' '${SPIN}' ${ms} ${mode}`;
const WAIT_MS = 60_000;

/** A shell line started as rxproc starts a stage (detached: its pid is its group id), its stdout as lines. */
function startTree(script: string) {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    pid: child.pid!,
    lines,
    /** The lines starting with `prefix`, once there are `count` of them. */
    async waitFor(prefix: string, count = 1): Promise<string[]> {
      const found = () => lines.filter((line) => line.startsWith(prefix));
      expect(await eventually(() => found().length >= count, WAIT_MS), `waiting for ${count} × "${prefix}": ${lines.join('|')}`).to.equal(true);
      return found();
    },
    endInput: () => child.stdin.end(),
    exited,
    /** Kills the group and `others` (processes that left it), and waits until all are gone. */
    async stop(others: number[] = []): Promise<void> {
      for (const pid of [-child.pid!, ...others]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exited;
      expect(await eventually(() => others.every((pid) => !isAlive(pid)), WAIT_MS)).to.equal(true);
    },
  };
}

/** The pid and the CPU ms a "spun PID MS" line reports. */
const spun = (line: string): { pid: number; ms: number } => {
  const [, pid, ms] = line.split(' ');
  return { pid: Number(pid), ms: Number(ms) };
};

describe('UsageMeter (real processes)', function () {
  this.timeout(120_000);
  const meter = new UsageMeter();

  it('is available here (Linux)', () => {
    expect(meter.available).to.equal(true);
  });

  it('counts the CPU of a two-child tree once: children reaped by the shell are counted through its cutime', async () => {
    const started = performance.now();
    const tree = startTree(`${spin(400)} & ${spin(400)} & wait; echo done; exec sleep 60`);
    meter.track('two', tree.pid);
    // Sampling while the children live, so that they are seen and then found reaped by their tree parent.
    const cancel = meter.start(20);
    const children = (await tree.waitFor('spun', 2)).map(spun);
    await tree.waitFor('done');
    cancel();
    meter.sample();
    const wallMs = performance.now() - started;
    const { cpuMs } = meter.usageOf('two')!;
    const reported = children[0]!.ms + children[1]!.ms;
    expect(cpuMs, `children reported ${reported} ms`).to.be.at.least(Math.max(750, reported - 40));
    expect(cpuMs, 'not counted twice').to.be.below(reported * 1.25 + 300);
    expect(cpuMs, `wall ${wallMs} ms`).to.be.at.most(wallMs * availableParallelism() + 200);
    await tree.stop();
  });

  it('a child reaped by its tree parent is not counted twice', async () => {
    const tree = startTree(`${spin(300, 'stdin')}; echo reaped; exec sleep 60`);
    meter.track('reaped', tree.pid);
    await tree.waitFor('spun');
    meter.sample();
    const live = meter.usageOf('reaped')!.cpuMs;
    expect(live).to.be.at.least(280);
    tree.endInput();
    await tree.waitFor('reaped');
    meter.sample();
    const after = meter.usageOf('reaped')!.cpuMs;
    expect(after).to.be.at.least(live);
    expect(after, 'the child once, through the shell').to.be.below(live + 200);
    await tree.stop();
  });

  it('counts a descendant that called setsid (its own session and group) while its parent lives', async () => {
    const tree = startTree(`setsid ${spin(300, 'stdin')}; echo reaped; exec sleep 60`);
    meter.track('setsid', tree.pid);
    const child = spun((await tree.waitFor('spun'))[0]!);
    expect(procInfo(child.pid)?.pgid, 'its own group').to.equal(child.pid);
    meter.sample();
    expect(meter.usageOf('setsid')!.cpuMs).to.be.at.least(280);
    await tree.stop([child.pid]);
  });

  it('keeps what an exited tree used, and adds the next run of the task to it', async () => {
    const first = startTree(`exec ${spin(300, 'stdin')}`);
    meter.track('runs', first.pid);
    await first.waitFor('spun');
    meter.sample();
    const seen = meter.usageOf('runs')!.cpuMs;
    expect(seen).to.be.at.least(280);
    first.endInput();
    await first.exited;
    meter.sample();
    expect(meter.usageOf('runs')).to.include({ cpuMs: seen, memoryBytes: 0 });
    const second = startTree(`exec ${spin(300, 'stdin')}`);
    meter.track('runs', second.pid);
    await second.waitFor('spun');
    meter.sample();
    expect(meter.usageOf('runs')!.cpuMs).to.be.at.least(seen + 280);
    await second.stop();
  });

  it('shows the memory of a child holding 100 MB, and keeps the peak once it ends', async () => {
    const hold = `const b = Buffer.alloc(1e8, 1); console.log('held', b.length); process.stdin.resume().on('end', () => process.exit(0))`;
    const tree = startTree(`'${process.execPath}' -e "${hold}"; echo gone`);
    meter.track('memory', tree.pid);
    await tree.waitFor('held');
    meter.sample();
    const live = meter.usageOf('memory')!;
    expect(live.memoryBytes).to.be.at.least(80e6);
    expect(live.peakMemoryBytes).to.be.at.least(80e6);
    tree.endInput();
    await tree.exited;
    meter.sample();
    const after = meter.usageOf('memory')!;
    expect(after.memoryBytes).to.equal(0);
    expect(after.peakMemoryBytes).to.be.at.least(live.peakMemoryBytes);
  });

  it('samples on its own timer, never throws while processes come and go, and never goes down', async () => {
    const tree = startTree(`i=0; while [ $i -lt 150 ]; do (true & true & wait) & i=$((i + 1)); done; wait; ${spin(100)}; echo end; exec sleep 60`);
    meter.track('churn', tree.pid);
    const cancel = meter.start(5);
    let last = 0;
    while (!tree.lines.includes('end')) {
      expect(() => meter.sample()).not.to.throw();
      const { cpuMs } = meter.usageOf('churn')!;
      expect(cpuMs).to.be.at.least(last);
      last = cpuMs;
      await new Promise((done) => setImmediate(done));
    }
    cancel();
    meter.sample();
    // The spinner was reaped by the shell: all of its 100 ms are in the shell's cutime.
    expect(meter.usageOf('churn')!.cpuMs).to.be.at.least(Math.max(last, 90));
    await tree.stop();
  });

  it('an untracked task has no figures', () => {
    expect(meter.usageOf('never')).to.equal(undefined);
  });
});
