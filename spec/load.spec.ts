import { expect } from 'chai';
import { lastValueFrom, mergeMap, range, reduce } from 'rxjs';
import { liveProcessCount, spawn$ } from '../src/index.js';
import { eventually, openFdCount, ownZombies } from './support/processes.js';

describe('under load', function () {
  this.timeout(120000);

  it('2,000 short processes, 64 at a time: all complete, output complete, no fd growth, no zombie', async () => {
    const fdsBefore = openFdCount();
    const outputs = await lastValueFrom(
      range(0, 2000).pipe(
        mergeMap(
          (i) =>
            spawn$('echo', [String(i)]).pipe(
              reduce((text, e) => (e.type === 'stdout' ? text + e.data.toString() : text), ''),
            ),
          64,
        ),
        reduce((all, text) => all.add(text), new Set<string>()),
      ),
    );
    expect(outputs.size).to.equal(2000);
    expect(outputs.has('1999\n')).to.equal(true);
    expect(await eventually(() => liveProcessCount() === 0)).to.equal(true);
    expect(await eventually(() => openFdCount() <= fdsBefore)).to.equal(true, `fds: ${fdsBefore} → ${openFdCount()}`);
    expect(ownZombies()).to.deep.equal([]);
  });
});
