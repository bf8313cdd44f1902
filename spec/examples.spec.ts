import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { lastValueFrom, reduce } from 'rxjs';
import { spawn$ } from '../packages/rxproc/src/index.js';

const root = resolve(__dirname, '..');

describe('examples', function () {
  this.timeout(60000);

  it('npm start: the CLI demonstration (examples/demo.yaml) ends by itself with exit code 0', async () => {
    const events: string[] = [];
    rmSync(resolve(root, 'examples/_logs'), { recursive: true, force: true });
    const result = await lastValueFrom(
      spawn$(process.execPath, ['packages/cli/dist/main.js', 'run', 'examples/demo.yaml', '--json'], { cwd: root }).pipe(
        reduce((all, e) => (e.type === 'stdout' ? all + e.data.toString() : all), ''),
      ),
    );
    for (const line of result.trim().split('\n')) {
      const record = JSON.parse(line) as { task?: string; event?: string };
      if (record.event !== undefined) events.push(`${record.task ?? ''}:${record.event}`);
    }
    expect(events).to.include.members(['server:ready', 'flaky-worker:restart', 'exports:exit', 'check:exit', 'server:stop', ':summary']);
    expect(events.indexOf('exports:spawn')).to.be.greaterThan(events.indexOf('server:ready'));
    // server's log file: its lines stamped, its last words (on SIGTERM) flushed before the file was closed
    const log = readFileSync(resolve(root, 'examples/_logs/server.log'), 'utf8');
    expect(log).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout listening on port/m);
    expect(log).to.match(/Z stdout SIGTERM: closing connections, bye\n/);
  });

  it('npm run tour: the library tour runs every example against the built package and ends cleanly', async () => {
    // `npm test` builds first (pretest); the examples import the package by its name, as a user would.
    const text = await lastValueFrom(
      spawn$(process.execPath, ['examples/demo.js'], { cwd: root }).pipe(reduce((all, e) => (e.type === 'stdout' ? all + e.data.toString() : all), '')),
    );
    const headings = [
      'Output as events',
      'Stdin from an Observable',
      'Cancel = kill the whole tree',
      'Errors that say',
      'Pipelines with kernel pipes',
      'A finished process as one value',
      'Respawn with backoff',
    ];
    for (const heading of headings) {
      expect(text).to.include(`== ${heading}`);
    }
    expect(text).to.include('child alive: false, grandchild alive: false');
    expect(text).to.include('SpawnError ENOENT');
    expect(text).to.include('Processes rxproc still tracks: 0');
    expect(text).to.match(/\n {2}Y\n {2}Y\n {2}Y\n/);
    expect(text).to.include('restart #2 in 100 ms');
    expect(text).to.include('run 3');
  });
});
