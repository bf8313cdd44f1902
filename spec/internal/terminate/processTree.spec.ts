import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { filter, firstValueFrom, take, type Subscription } from 'rxjs';
import { liveProcessCount, spawn$, type ProcessEvent } from '../../../packages/rxproc/src/index.js';
import { groupHasLiveMember } from '../../../packages/rxproc/src/internal/terminate/groupMembers.js';
import { delay, outcome, recordKills } from '../../support/outcome.js';
import { eventually, isAlive } from '../../support/processes.js';

const fixture = (name: string): string => resolve(__dirname, '../../fixtures', name);

/** Subscribes, waits for the first stdout chunk, and returns it with the spawn pid and the subscription. */
async function startAndRead(source: ReturnType<typeof spawn$>): Promise<{ pid: number; text: string; sub: Subscription; events: ProcessEvent[] }> {
  const events: ProcessEvent[] = [];
  let sub!: Subscription;
  const firstOutput = new Promise<string>((resolveText, reject) => {
    sub = source.subscribe({
      next: (e) => {
        events.push(e);
        if (e.type === 'stdout') resolveText(e.data.toString().trim());
      },
      error: reject,
    });
  });
  const text = await firstOutput;
  return { pid: (events[0] as { pid: number }).pid, text, sub, events };
}

// The process group's own mechanism: where a spec looks at how signals are addressed, it asks for containment 'group'.
describe('termination (ProcessTree)', () => {
  it('unsubscribe kills the child and its grandchild', async () => {
    const { pid, text, sub } = await startAndRead(spawn$(fixture('tree.sh')));
    const grandchild = Number(text);
    expect(isAlive(pid) && isAlive(grandchild)).to.equal(true);
    sub.unsubscribe();
    expect(await eventually(() => !isAlive(pid) && !isAlive(grandchild))).to.equal(true);
  });

  it("`sh -c 'sleep 30 & wait'` leaves no sleep behind", async () => {
    const sub = spawn$('sh', ['-c', 'sleep 30 & wait']).subscribe();
    await delay(100);
    sub.unsubscribe();
    // the afterEach hook fails the test if the sleep survived
  });

  it('emits nothing after unsubscribe, even from a flooding process', async () => {
    let afterUnsubscribe = 0;
    let unsubscribed = false;
    const sub = spawn$('yes').subscribe(() => {
      if (unsubscribed) afterUnsubscribe++;
    });
    await delay(50);
    sub.unsubscribe();
    unsubscribed = true;
    await delay(100);
    expect(afterUnsubscribe).to.equal(0);
  });

  it('a child that ignores SIGTERM gets SIGKILL after killTimeout, addressed to its group', async () => {
    // Seen at the moment each signal is sent (not after a fixed sleep): when, and whether the child lived.
    const sent: Array<{ signal: unknown; at: number; alive: boolean }> = [];
    let pid = 0;
    const { kills } = await recordKills(async () => {
      const recording = process.kill;
      process.kill = (target: number, signal?: string | number) => {
        if (signal !== 0 && pid !== 0) sent.push({ signal, at: performance.now(), alive: isAlive(pid) });
        return recording.call(process, target, signal);
      };
      try {
        const started = await startAndRead(spawn$(fixture('ignore-term.sh'), { killTimeout: 200, containment: 'group' }));
        pid = started.pid;
        started.sub.unsubscribe();
        expect(await eventually(() => !isAlive(pid), 30000)).to.equal(true);
        await eventually(() => liveProcessCount() === 0);
      } finally {
        process.kill = recording;
      }
    });
    const signals = kills.filter(([, signal]) => signal !== 0);
    expect(signals.map(([target, signal]) => [target < 0, signal])).to.deep.equal([
      [true, 'SIGTERM'],
      [true, 'SIGKILL'],
    ]);
    expect(
      sent.map(({ signal, alive }) => [signal, alive]),
      'still alive after SIGTERM',
    ).to.deep.equal([
      ['SIGTERM', true],
      ['SIGKILL', true],
    ]);
    // not before killTimeout (a timer never fires early; a loaded machine only makes it later)
    expect(sent[1]!.at - sent[0]!.at).to.be.at.least(195);
  });

  it('a child shutting down on killSignal can still print: its pipes stay open until it is gone', async () => {
    const marker = join(tmpdir(), `rxproc-bye-${process.pid}-${Date.now()}`);
    const script = `trap 'echo bye; echo bye >&2; echo done > ${marker}; exit 0' TERM; echo ready; while :; do sleep 0.02; done`;
    try {
      const { pid, sub } = await startAndRead(spawn$('sh', ['-c', script]));
      sub.unsubscribe();
      expect(await eventually(() => !isAlive(pid))).to.equal(true);
      expect(readFileSync(marker, 'utf8')).to.equal('done\n');
    } finally {
      rmSync(marker, { force: true });
    }
  });

  it('liveProcessCount() is already 0 when complete is delivered', async () => {
    const counts = await new Promise<number[]>((resolveCounts) => {
      const seen: number[] = [];
      spawn$('true').subscribe({ next: () => seen.push(liveProcessCount()), complete: () => resolveCounts([...seen, liveProcessCount()]) });
    });
    expect(counts).to.deep.equal([1, 1, 0]);
  });

  it('killTimeout: Infinity never escalates; killSignal is configurable', async () => {
    const { kills } = await recordKills(async () => {
      const { sub } = await startAndRead(spawn$('sh', ['-c', 'echo up; exec sleep 30'], { killSignal: 'SIGINT', killTimeout: Infinity }));
      sub.unsubscribe();
      await eventually(() => liveProcessCount() === 0);
    });
    expect(kills.filter(([, s]) => s !== 0).map(([, s]) => s)).to.deep.equal(['SIGINT']);
  });

  it('sends no signal at all to a process whose exit was seen, not even on a late unsubscribe', async () => {
    const { kills } = await recordKills(async () => {
      const events: ProcessEvent[] = [];
      const sub = spawn$('sh', ['-c', 'echo done']).subscribe((e) => events.push(e));
      await eventually(() => events.some((e) => e.type === 'exit'));
      sub.unsubscribe();
      sub.unsubscribe();
      const { completed } = await outcome(spawn$('true'));
      expect(completed).to.equal(true);
    });
    // Only the group probe (signal 0, to the negative group id) is allowed after the exit.
    expect(kills.filter(([pid, signal]) => signal !== 0 || pid > 0)).to.deep.equal([]);
  });

  it('never signals anything when the spawn failed, even when unsubscribed at once', async () => {
    const { kills } = await recordKills(async () => {
      const sub = spawn$('no-such-command-rxproc').subscribe({ error: () => undefined });
      sub.unsubscribe();
      await delay(50);
      const { error } = await outcome(spawn$('no-such-command-rxproc'));
      expect(error).to.be.instanceOf(Error);
    });
    expect(kills).to.deep.equal([]);
  });

  it('stops descendants that hold the pipes after the child exited (drainTimeout)', async () => {
    const { events, completed } = await outcome(spawn$('sh', ['-c', 'sleep 30 & echo $!'], { drainTimeout: 100 }));
    expect(completed).to.equal(true);
    const grandchild = Number(Buffer.concat(events.flatMap((e) => (e.type === 'stdout' ? [e.data] : []))).toString());
    expect(await eventually(() => !isAlive(grandchild))).to.equal(true);
  });

  it('take(1) on the spawn event kills the process at once', async () => {
    const spawned = await firstValueFrom(
      spawn$('sleep', ['30']).pipe(
        filter((e) => e.type === 'spawn'),
        take(1),
      ),
    );
    const pid = (spawned as { pid: number }).pid;
    expect(await eventually(() => !isAlive(pid))).to.equal(true);
  });

  describe('a group whose members the host may not signal (EPERM)', () => {
    // The specs run as root, which may signal anyone: EPERM is simulated for the group's id, as an
    // unprivileged host would get it once every member has become another user (setuid, `su`, `setpriv`).
    let denied = 0;
    const original = process.kill;
    beforeEach(() => {
      denied = 0;
      process.kill = (pid: number, signal?: string | number) => {
        if (denied !== 0 && pid === -denied) throw Object.assign(new Error(`kill EPERM`), { code: 'EPERM', errno: -1, syscall: 'kill' });
        return original.call(process, pid, signal);
      };
    });
    afterEach(() => {
      process.kill = original;
    });

    it('still has a live member for groupHasLiveMember', async () => {
      const { pid, sub } = await startAndRead(spawn$('sh', ['-c', 'echo go; exec sleep 30'], { containment: 'group' }));
      denied = pid;
      expect(groupHasLiveMember(pid)).to.equal(true);
      denied = 0;
      sub.unsubscribe();
    });

    it('keeps the tree tracked (liveProcessCount) until its members are gone, though it cannot signal them', async () => {
      const { pid, text, sub } = await startAndRead(spawn$('sh', ['-c', 'sleep 1 & echo $!'], { containment: 'group' }));
      const grandchild = Number(text);
      denied = pid;
      sub.unsubscribe();
      await delay(100);
      expect(isAlive(grandchild), 'the signal could not reach it').to.equal(true);
      expect(liveProcessCount(), "still rxproc's").to.equal(1);
      expect(await eventually(() => liveProcessCount() === 0, 4000)).to.equal(true);
      expect(isAlive(grandchild)).to.equal(false);
    });
  });
});
