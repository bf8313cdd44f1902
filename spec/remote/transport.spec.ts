import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { defer, lastValueFrom, map, mergeMap, range, toArray, type Observable } from 'rxjs';
import {
  closeConnections,
  collectOutput,
  ConnectionError,
  ProcessExitError,
  retryOnExit,
  spawn$,
  type ProcessEvent,
  type RemoteHost,
} from '../../packages/rxproc/src/index.js';
import { outcome, output } from '../support/outcome.js';
import { eventually, isAlive, livingProcesses, markedProcesses, type ProcInfo } from '../support/processes.js';
import { newSshdDir, startSshd, stopSshd, useSshd, type TestSshd } from '../support/sshd.js';

/** This run's local ssh processes that are shared connections (ControlMasters). */
function masters(): number {
  return markedProcesses().filter((info) => info.cmdline.includes('ControlMaster=yes')).length;
}

describe('remote: transport failures, shared connections and limits', function () {
  this.timeout(60_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  for (const multiplex of [true, false]) {
    it(`a wrong port fails with ConnectionError (phase connect) that quotes ssh, and runs nothing (multiplex: ${multiplex})`, async () => {
      const { events, error } = await outcome(spawn$('true', [], { host: host({ port: 1, multiplex }) }));
      expect(events).to.deep.equal([]);
      expect(error).to.be.instanceOf(ConnectionError).and.include({ phase: 'connect', host: 'rxproc-test-host:1' });
      expect((error as ConnectionError).message)
        .to.contain('Connection refused')
        .and.contain('Could not connect to rxproc-test-host:1');
    });
  }

  it('an unknown host fails with ConnectionError, not a ProcessExitError', async () => {
    const { error } = await outcome(spawn$('true', [], { host: host({ host: 'no-such-host.invalid', connectTimeout: 3000 }) }));
    expect(error).to.be.instanceOf(ConnectionError).and.include({ phase: 'connect' });
  });

  describe('a server that goes away mid-run', () => {
    let dir: string | undefined;
    let doomed: TestSshd;
    before(function () {
      this.timeout(60_000);
      dir = newSshdDir('doomed-');
      doomed = startSshd(dir);
    });
    after(() => {
      if (dir !== undefined) stopSshd(dir);
    });

    for (const multiplex of [true, false]) {
      it(`fails with ConnectionError (phase lost), and the remote wrapper stops the tree (multiplex: ${multiplex})`, async () => {
        const pids: number[] = [];
        const run = outcome(
          spawn$('sh', ['-c', 'sleep 300 & echo $!; wait'], { host: { ...doomed.host, multiplex } }).pipe(
            map((event: ProcessEvent) => {
              if (event.type === 'spawn') pids.push(event.pid);
              if (event.type === 'stdout') pids.push(Number(event.data.toString()));
              return event;
            }),
          ),
        );
        expect(await eventually(() => pids.length === 2, 10_000)).to.equal(true);
        // The listener and every session sshd it forked: the connection is gone, the command is not.
        killServerSide(doomed.sshdPid);
        const { error } = await run;
        expect(error).to.be.instanceOf(ConnectionError).and.include({ phase: 'lost', pid: pids[0] });
        expect((error as Error).message).to.contain('Lost the connection to rxproc-test-host');
        expect(await eventually(() => !pids.some(isAlive), 5000)).to.equal(true);
        stopSshd(dir);
        doomed = startSshd(dir);
      });
    }
  });

  it('runs 30 processes at once through one host, on at most maxConnections shared connections, with no mux warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxproc-concurrent-'));
    chmodSync(dir, 0o777);
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, masters())), 50);
    try {
      // Each process waits until all 30 have started: it only ends if all 30 run at the same time.
      const script = `touch "$1/$2"; i=0; while [ "$(ls "$1" | wc -l)" -lt 30 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; ls "$1" | wc -l`;
      const results = await lastValueFrom(
        range(0, 30).pipe(
          mergeMap((i) => spawn$('sh', ['-c', script, 'sh', dir, String(i)], { host: host({ maxConnections: 3 }) }).pipe(collectOutput())),
          toArray(),
        ),
      );
      expect(results.map((result) => result.stdout.trim())).to.deep.equal(new Array<string>(30).fill('30'));
      expect(results.map((result) => result.stderr).join('')).to.equal('');
      expect(peak).to.be.within(1, 3);
    } finally {
      clearInterval(watch);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('processes beyond the cap wait their turn instead of failing', async () => {
    const results = await lastValueFrom(
      range(0, 6).pipe(
        mergeMap((i) =>
          spawn$('sh', ['-c', 'sleep 0.2; echo $1', 'sh', String(i)], { host: host({ maxConnections: 1, maxSessions: 2 }) }).pipe(collectOutput()),
        ),
        toArray(),
      ),
    );
    expect(results.map((result) => result.stdout).sort()).to.deep.equal(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
  });

  it('closeConnections() ends the shared connections, and the next process opens a new one', async () => {
    await lastValueFrom(spawn$('true', [], { host: host() }));
    expect(masters()).to.equal(1);
    await closeConnections();
    expect(masters()).to.equal(0);
    const { events } = await outcome(spawn$('echo', ['again'], { host: host() }));
    expect(output(events)).to.equal('again\n');
  });

  it('a program may await closeConnections() as its last step: the host waits for it, then exits', () => {
    const script = `import { spawn$, closeConnections } from ${JSON.stringify(resolve(__dirname, '../../packages/rxproc/dist/index.js'))};
      import { lastValueFrom } from 'rxjs';
      await lastValueFrom(spawn$('true', [], { host: ${JSON.stringify(host())} }));
      await closeConnections();
      console.log('closed');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve(__dirname, '../..'), encoding: 'utf8', timeout: 20_000 });
    expect(run.stdout).to.equal('closed\n');
    expect(run.status).to.equal(0);
  });

  it('an idle shared connection closes after keepAlive', async () => {
    await lastValueFrom(spawn$('true', [], { host: host({ keepAlive: 100 }) }));
    expect(await eventually(() => masters() === 0, 3000)).to.equal(true);
  });

  it("retryOnExit can tell transport failures from the command's own", async () => {
    let attempts = 0;
    const retried = (source: Observable<ProcessEvent>): Observable<unknown> =>
      defer(() => {
        attempts++;
        return source;
      }).pipe(retryOnExit({ count: 2, delay: 10, retryIf: (err) => err instanceof ConnectionError }));
    const refused = await outcome(retried(spawn$('true', [], { host: host({ port: 1 }) })));
    expect(refused.error).to.be.instanceOf(ConnectionError);
    expect(attempts).to.equal(3);
    attempts = 0;
    const failed = await outcome(retried(spawn$('false', [], { host: host() })));
    expect(failed.error).to.be.instanceOf(ProcessExitError);
    expect(attempts).to.equal(1);
  });
});

/** SIGKILL to an sshd and the session sshds below it, not to what they run (the wrapper and the command). */
function killServerSide(sshdPid: number): void {
  const children = new Map<number, ProcInfo[]>();
  for (const info of livingProcesses()) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const server: number[] = [];
  const visit = (pid: number): void => {
    server.push(pid);
    for (const child of children.get(pid) ?? []) if (child.cmdline.startsWith('sshd')) visit(child.pid);
  };
  visit(sshdPid);
  for (const pid of server) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
