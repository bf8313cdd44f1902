import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { filter, lastValueFrom, map, merge, toArray } from 'rxjs';
import { closeConnections, collectOutput, ConnectionError, pipeTo, spawn$, SpawnError, type RemoteHost } from '../../packages/rxproc/src/index.js';
import { outcome, output } from '../support/outcome.js';
import { eventually } from '../support/processes.js';
import { remoteProcesses, useSshd } from '../support/sshd.js';

describe('remote: sessions on connections, and the edges of a run', function () {
  this.timeout(30_000);
  const sshd = useSshd();
  const host = (extra: Partial<RemoteHost> = {}): RemoteHost => ({ ...sshd().host, ...extra });

  it('a pipeline whose first stage fails at once gives back the session its remote stage got', async () => {
    const tight = host({ maxConnections: 1, maxSessions: 1 });
    const failed = await outcome(spawn$('echo', ['hi'], { stderr: { file: '/no/such/dir/err' } }).pipe(pipeTo('cat', [], { host: tight })));
    expect(failed.error).to.be.instanceOf(SpawnError);
    // With the session leaked, this would wait for ever.
    expect(output((await outcome(spawn$('echo', ['next'], { host: tight }))).events)).to.equal('next\n');
  });

  it('a pipeline that needs more sessions at once than the host allows fails at once instead of waiting for ever', async () => {
    for (const tight of [host({ maxConnections: 1, maxSessions: 1 }), host({ multiplex: false, maxConnections: 1 })]) {
      const { error } = await outcome(spawn$('echo', ['hi'], { host: tight }).pipe(pipeTo('cat', [], { host: tight })));
      expect(error).to.be.instanceOf(ConnectionError).and.include({ phase: 'connect' });
      expect((error as Error).message).to.contain('2 processes of one pipeline need a session at once');
    }
  });

  it('pipelines that each need all the sessions run one after another, never each holding half', async () => {
    const two = host({ maxConnections: 1, maxSessions: 2 });
    const pipeline = (i: number) =>
      spawn$('sh', ['-c', 'sleep 0.2; echo $1', 'sh', String(i)], { host: two }).pipe(
        pipeTo('cat', [], { host: two }),
        collectOutput(),
        map((r) => r.stdout),
      );
    const results = await lastValueFrom(merge(pipeline(1), pipeline(2), pipeline(3)).pipe(toArray()));
    expect(results.sort()).to.deep.equal(['1\n', '2\n', '3\n']);
  });

  it('an ssh that cannot be run is a ConnectionError, on a shared connection or an own one', async () => {
    for (const multiplex of [true, false]) {
      const { error } = await outcome(spawn$('true', [], { host: host({ sshPath: '/etc/hostname/ssh', multiplex }) }));
      expect(error).to.be.instanceOf(ConnectionError).and.include({ phase: 'connect' });
      expect((error as Error).message).to.contain('/etc/hostname/ssh');
    }
  });

  it('closeConnections() leaves processes on their own connections alone, queued ones included', async () => {
    const own = host({ multiplex: false, maxConnections: 1 });
    const first = outcome(spawn$('sh', ['-c', 'sleep 0.3; echo first'], { host: own }));
    const second = outcome(spawn$('echo', ['second'], { host: own }));
    await closeConnections();
    expect(output((await first).events)).to.equal('first\n');
    expect(output((await second).events)).to.equal('second\n');
  });

  it('a subscription dropped while its connection is still being made does not keep the host alive', () => {
    // 10.255.255.1 never answers: the connection would take connectTimeout (20 s) to fail.
    const script = `import { spawn$ } from ${JSON.stringify(resolve(__dirname, '../../packages/rxproc/dist/index.js'))};
      spawn$('true', [], { host: { host: '10.255.255.1', connectTimeout: 20000 } }).subscribe().unsubscribe();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve(__dirname, '../..'), timeout: 10_000 });
    expect(run.signal).to.equal(null);
    expect(run.status).to.equal(0);
  });

  it('the remote exit is the exit: the timeout no longer applies, and output held by an escaped process is awaited for drainTimeout only', async () => {
    // A daemon that escapes the process group and keeps stdout open: ssh would wait for it.
    const script = 'setsid sleep 30 & sleep 0.3; echo done; exit 0';
    const { events, error } = await outcome(spawn$('sh', ['-c', script], { host: host(), timeout: 5000, drainTimeout: 500 }));
    expect(error).to.equal(undefined);
    expect(output(events)).to.equal('done\n');
    expect(events.at(-1)).to.include({ type: 'exit', exitCode: 0 });
    // The escaped sleep is outside anything rxproc can stop, here as locally.
    for (const { pid, cmdline } of remoteProcesses(sshd().uid)) if (cmdline === 'sleep 30') process.kill(pid, 'SIGKILL');
    expect(await eventually(() => remoteProcesses(sshd().uid).length === 0, 3000)).to.equal(true);
  });

  it('a straggler that outlives the exit does not turn a finished run into a timeout', async () => {
    const { events, error } = await outcome(
      spawn$('sh', ['-c', '(sleep 1; echo late) & echo early; exit 0'], { host: host(), timeout: 400, drainTimeout: 3000 }),
    );
    expect(error).to.equal(undefined);
    expect(output(events)).to.equal('early\nlate\n');
  });

  // A reader of 64 KiB every 50 ms: the remote command has long exited while ssh still holds its output.
  const SLOW_COUNT = `perl -e 'my $n = 0; while (my $r = sysread STDIN, my $b, 65536) { $n += $r; select undef, undef, undef, 0.05 } print $n'`;

  for (const [path, extra] of [
    ['through the host (JS path)', {}],
    ['kernel pipe, own connection', { multiplex: false }],
  ] as const) {
    it(`output still on its way when the remote command exits is delivered whole to a slow reader (${path})`, async () => {
      const bytes = 3_000_000;
      const source = spawn$('head', ['-c', String(bytes), '/dev/zero'], { host: host(extra) });
      const piped = path.startsWith('through')
        ? source.pipe(
            filter(() => true),
            pipeTo('sh', ['-c', SLOW_COUNT]),
          )
        : source.pipe(pipeTo('sh', ['-c', SLOW_COUNT]));
      const result = await lastValueFrom(piped.pipe(collectOutput()));
      expect(result.stdout).to.equal(String(bytes));
    });
  }

  it('an unsubscribe while a pipeline waits for its second host withdraws that request too', async () => {
    const one = host();
    const three = host({ maxConnections: 1, maxSessions: 3 });
    await lastValueFrom(spawn$('true', [], { host: one })); // a ready connection: its sessions come at once
    const order: string[] = [];
    const busy = [1, 2].map((i) => lastValueFrom(spawn$('sleep', ['3'], { host: three })).then(() => order.push(`sleep${i}`)));
    await eventually(() => remoteProcesses(sshd().uid).filter((p) => p.cmdline === 'sleep 3').length === 2, 10_000);
    // Needs 2 sessions on `three`, where 1 is free: it waits there, behind nothing, once `one` granted its session.
    spawn$('echo', ['x'], { host: one })
      .pipe(pipeTo('cat', [], { host: three }), pipeTo('cat', [], { host: three }))
      .subscribe()
      .unsubscribe();
    await lastValueFrom(spawn$('echo', ['y'], { host: three }));
    order.push('y');
    await Promise.all(busy);
    expect(order[0]).to.equal('y');
  });

  it('backpressure holds for a remote source whose connection was still being made at subscription', async () => {
    await closeConnections();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const { error } = await outcome(
        spawn$('head', ['-c', String(256 << 20), '/dev/zero'], { host: host() }).pipe(
          filter(() => true),
          pipeTo('sh', ['-c', 'sleep 2; cat >/dev/null']),
        ),
      );
      expect(error).to.equal(undefined);
    } finally {
      clearInterval(sample);
    }
    // Unbounded, 256 MiB would pile up in this process while the reader sleeps.
    expect(peak - before).to.be.below(96 << 20);
  });
});
