import { expect } from 'chai';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessLimits } from '../../../packages/rxproc/src/containmentOptions.js';
import { applyLimits, checkLimits, missingControllers } from '../../../packages/rxproc/src/internal/terminate/cgroupLimits.js';

/**
 * A fake cgroup tree in a temp folder: `parent` with plain cgroup.subtree_control / cgroup.controllers files,
 * and `parent/run-1` with memory.max, pids.max and cpu.max as the kernel shows them before any write. This
 * machine enables no controller on its cgroup2 mount, so the strings are checked here; the real mount is
 * used below for what it can show (missing controllers, a refused write).
 */
function fakeTree(subtree: string, offered: string): { parent: string; run: string } {
  const parent = mkdtempSync(join(tmpdir(), 'rxproc-cglimits-'));
  writeFileSync(join(parent, 'cgroup.subtree_control'), subtree);
  writeFileSync(join(parent, 'cgroup.controllers'), offered);
  const run = join(parent, 'run-1');
  mkdirSync(run);
  writeFileSync(join(run, 'memory.max'), 'max\n');
  writeFileSync(join(run, 'pids.max'), 'max\n');
  writeFileSync(join(run, 'cpu.max'), 'max 100000\n');
  return { parent, run };
}

const read = (run: string, file: string): string => readFileSync(join(run, file), 'utf8');

describe('cgroup limits (against a fake cgroup tree)', () => {
  let tree: { parent: string; run: string };
  beforeEach(() => (tree = fakeTree('cpu memory pids\n', 'cpu io memory pids\n')));
  afterEach(() => rmSync(tree.parent, { recursive: true, force: true }));

  describe('applyLimits', () => {
    it('writes memory.max and pids.max as plain numbers, and cpu.max as "QUOTA 100000", each file replaced whole', () => {
      applyLimits(tree.run, { memoryBytes: 268_435_456, pids: 64, cpu: 1.5 });
      expect([read(tree.run, 'memory.max'), read(tree.run, 'pids.max'), read(tree.run, 'cpu.max')]).to.deep.equal(['268435456', '64', '150000 100000']);
    });

    it('turns CPUs into a quota of the 100 ms period, rounded to the microsecond', () => {
      const quota = (cpu: number): string => (applyLimits(tree.run, { cpu }), read(tree.run, 'cpu.max'));
      expect([2, 0.5, 0.25, 1 / 3, 0.01, 64].map(quota)).to.deep.equal([
        '200000 100000',
        '50000 100000',
        '25000 100000',
        '33333 100000',
        '1000 100000',
        '6400000 100000',
      ]);
    });

    it('raises a quota under the kernel least (1000 µs, i.e. 0.01 CPU) to it', () => {
      for (const cpu of [0.001, 0.0099, Number.MIN_VALUE]) {
        applyLimits(tree.run, { cpu });
        expect(read(tree.run, 'cpu.max'), `cpu ${cpu}`).to.equal('1000 100000');
      }
    });

    it('writes only the limits given', () => {
      applyLimits(tree.run, { pids: 5 });
      expect([read(tree.run, 'memory.max'), read(tree.run, 'pids.max'), read(tree.run, 'cpu.max')]).to.deep.equal(['max\n', '5', 'max 100000\n']);
    });

    it('writes nothing for an empty limits object (or one whose keys are undefined): not even on a path that does not exist', () => {
      const before = ['memory.max', 'pids.max', 'cpu.max'].map((file) => statSync(join(tree.run, file)).mtimeMs);
      applyLimits(tree.run, {});
      applyLimits(tree.run, { memoryBytes: undefined, pids: undefined, cpu: undefined });
      applyLimits(join(tree.parent, 'no-such-cgroup'), {});
      expect(['memory.max', 'pids.max', 'cpu.max'].map((file) => statSync(join(tree.run, file)).mtimeMs)).to.deep.equal(before);
      expect(read(tree.run, 'cpu.max')).to.equal('max 100000\n');
    });

    it('throws with the file, the value and the errno when a file is missing (its controller is not enabled), never creating it', () => {
      rmSync(join(tree.run, 'cpu.max'));
      let thrown: unknown;
      try {
        applyLimits(tree.run, { memoryBytes: 1 << 20, cpu: 1.5 });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(Error);
      const error = thrown as Error & { code?: string };
      expect(error.message).to.equal(
        `rxproc: cannot write "150000 100000" to ${tree.run}/cpu.max: ENOENT ` +
          '(the file is missing: the controller is not enabled for this cgroup (its parent cgroup.subtree_control))',
      );
      expect(error.code).to.equal('ENOENT');
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('ENOENT');
      expect(() => statSync(join(tree.run, 'cpu.max')), 'not created').to.throw();
      expect(read(tree.run, 'memory.max'), 'the write before it stays').to.equal('1048576');
    });

    it('says the errno of any other failure too (a directory where the file should be)', () => {
      rmSync(join(tree.run, 'pids.max'));
      mkdirSync(join(tree.run, 'pids.max'));
      expect(() => applyLimits(tree.run, { pids: 3 }))
        .to.throw(Error, `rxproc: cannot write "3" to ${tree.run}/pids.max: EISDIR`)
        .with.property('code', 'EISDIR');
    });
  });

  describe('missingControllers', () => {
    it('is undefined when the parent enables every controller the limits need', () => {
      expect(missingControllers(tree.parent, { memoryBytes: 1 << 30, pids: 100, cpu: 2 })).to.equal(undefined);
    });

    it('is undefined for no limits, without reading anything', () => {
      expect(missingControllers(join(tree.parent, 'no-such-cgroup'), {})).to.equal(undefined);
      expect(missingControllers(join(tree.parent, 'no-such-cgroup'), { cpu: undefined })).to.equal(undefined);
    });

    it('names only the controllers missing, in the order memory, pids, cpu, and how to enable them', () => {
      writeFileSync(join(tree.parent, 'cgroup.subtree_control'), 'pids\n');
      const message = missingControllers(tree.parent, { cpu: 1, pids: 10, memoryBytes: 1 << 30 });
      expect(message).to.be.a('string');
      expect(message).to.contain(`limits need the memory, cpu controllers, not enabled for the cgroups under ${tree.parent}`);
      expect(message).to.contain('its cgroup.subtree_control lists pids');
      expect(message).to.contain(`As root: enable them on each level from the cgroup2 mount down to ${tree.parent}`);
      expect(message).to.contain('`echo "+memory +cpu" > LEVEL/cgroup.subtree_control`');
      expect(message).to.contain('refuses memory with EBUSY');
      expect(message).to.contain('Delegate=yes');
      expect(message).to.contain('`systemd-run --user --scope -p Delegate=yes -- node app.js`');
      expect(message).to.contain('a user manager is delegated memory and pids, and cpu since systemd 252');
      expect(message, 'offered to the parent: nothing about the levels above').not.to.contain('not even offered');
    });

    it('says when a controller is not even offered to the parent (enabled on no level above, or held by cgroup v1)', () => {
      writeFileSync(join(tree.parent, 'cgroup.subtree_control'), '');
      writeFileSync(join(tree.parent, 'cgroup.controllers'), 'hugetlb\n');
      const message = missingControllers(tree.parent, { pids: 1, memoryBytes: 4096, cpu: 0.5 })!;
      expect(message).to.contain('limits need the memory, pids, cpu controllers');
      expect(message).to.contain('its cgroup.subtree_control lists no controller');
      expect(message).to.contain('memory, pids, cpu are not even offered to it (its cgroup.controllers lists hugetlb)');
      expect(message).to.contain('held by a cgroup v1 hierarchy');
    });

    it('names the one controller in the singular', () => {
      writeFileSync(join(tree.parent, 'cgroup.subtree_control'), 'memory pids');
      expect(missingControllers(tree.parent, { cpu: 1 })).to.match(/^limits need the cpu controller, not enabled .*enable it on each level.*echo "\+cpu"/);
    });

    it('says why when the parent cannot be read', () => {
      const gone = join(tree.parent, 'no-such-cgroup');
      expect(missingControllers(gone, { pids: 4 })).to.contain(
        `limits need the pids controller, not enabled for the cgroups under ${gone} (its cgroup.subtree_control cannot be read: ENOENT)`,
      );
    });
  });
});

describe('checkLimits', () => {
  const KEYS = ['memoryBytes', 'pids', 'cpu'] as const;

  it('accepts good limits, alone or together, and undefined values', () => {
    const good = fc.record(
      {
        memoryBytes: fc.oneof(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constant(undefined)),
        pids: fc.oneof(fc.integer({ min: 1, max: 4 * 1024 * 1024 }), fc.constant(undefined)),
        cpu: fc.oneof(fc.double({ min: Number.MIN_VALUE, max: 175_921_860, noNaN: true }), fc.constant(undefined)),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(good, (limits: ProcessLimits) => checkLimits(limits) === undefined));
    expect(checkLimits({})).to.equal(undefined);
  });

  it('refuses what is not an object', () => {
    const notObject = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.bigInt(),
      fc.constant(null),
      fc.constant(undefined),
      fc.array(fc.anything()),
      fc.func(fc.anything()),
    );
    fc.assert(
      fc.property(notObject, (value) => {
        expect(checkLimits(value)).to.match(/^option "limits" must be an object \{ memoryBytes\?, pids\?, cpu\? \}, got /);
      }),
    );
  });

  it('refuses an unknown key, naming it and the known ones', () => {
    const unknownKey = fc.string({ minLength: 1 }).filter((key) => !(KEYS as readonly string[]).includes(key));
    fc.assert(
      fc.property(unknownKey, fc.anything(), (key, value) => {
        expect(checkLimits({ pids: 1, [key]: value })).to.equal(`option "limits" has an unknown key "${key}"; the keys are memoryBytes, pids, cpu`);
      }),
    );
    expect(checkLimits({ memory: 1 << 30 })).to.contain('unknown key "memory"');
  });

  it('refuses a bad value for each key, naming the key and what it must be', () => {
    const notNumber = fc.oneof(fc.string(), fc.boolean(), fc.bigInt(), fc.constant(null), fc.object(), fc.array(fc.integer()));
    const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity);
    const bad: Record<(typeof KEYS)[number], fc.Arbitrary<unknown>> = {
      memoryBytes: fc.oneof(notNumber, nonFinite, fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.constant(2 ** 53), fc.constant(1e300)),
      pids: fc.oneof(notNumber, nonFinite, fc.integer({ max: 0 }), fc.integer({ min: 4 * 1024 * 1024 + 1 }), fc.double({ noInteger: true })),
      cpu: fc.oneof(notNumber, nonFinite, fc.double({ max: 0 }), fc.double({ min: 175_921_861, noDefaultInfinity: true }), fc.constant(-0)),
    };
    for (const key of KEYS) {
      fc.assert(
        fc.property(bad[key], (value) => {
          expect(checkLimits({ [key]: value }), `${key}: ${String(value)}`).to.match(new RegExp(`^option "limits\\.${key}" must be .*, got `));
        }),
      );
    }
    expect(checkLimits({ cpu: 0 })).to.equal('option "limits.cpu" must be a number of CPUs above 0 and at most 175921860 (0.5 = half a CPU), got 0');
    expect(checkLimits({ pids: 1.5 })).to.equal('option "limits.pids" must be an integer from 1 to 4194304, got 1.5');
    expect(checkLimits({ memoryBytes: '1G' })).to.equal(`option "limits.memoryBytes" must be a positive integer (bytes), got '1G'`);
  });
});

/** The cgroup2 mount point (from /proc/self/mountinfo: never assumed) and this process's cgroup under it. */
function ownCgroup(): string | undefined {
  try {
    const mount = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .find((fields) => fields[fields.indexOf('-') + 1] === 'cgroup2')?.[4];
    const own = /^0::(\/.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
    return mount === undefined || own === undefined ? undefined : join(mount, own);
  } catch {
    return undefined;
  }
}

describe('cgroup limits on this machine (the real cgroup2 mount)', () => {
  const own = ownCgroup();
  let made: string | undefined;
  afterEach(() => {
    if (made !== undefined) rmdirSync(made);
    made = undefined;
  });

  it("missingControllers names what the host's own cgroup does not enable for its children (here: memory, pids, cpu)", function () {
    if (own === undefined) this.skip();
    const enabled = readFileSync(join(own, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    const missing = ['memory', 'pids', 'cpu'].filter((name) => !enabled.includes(name));
    const message = missingControllers(own, { memoryBytes: 1 << 30, pids: 100, cpu: 1 });
    if (missing.length === 0) return void expect(message).to.equal(undefined);
    expect(message).to.contain(`limits need the ${missing.join(', ')} controller`);
  });

  it('applyLimits on a real cgroup without the controller: ENOENT with the file, and no file made', function () {
    if (own === undefined || process.getuid?.() !== 0) this.skip();
    made = join(own, `rxproc-cglimits-spec-${process.pid}`);
    mkdirSync(made);
    if (readFileSync(join(made, 'cgroup.controllers'), 'utf8').includes('pids')) this.skip();
    expect(() => applyLimits(made!, { pids: 8 }))
      .to.throw(Error, `rxproc: cannot write "8" to ${made}/pids.max: ENOENT`)
      .with.property('code', 'ENOENT');
    expect(() => statSync(join(made!, 'pids.max'))).to.throw();
  });
});
