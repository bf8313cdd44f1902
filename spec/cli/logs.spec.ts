import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/processes.js';
import { rxproc, startRxproc, useTaskDirs } from './support.js';

/** `<ISO 8601> <stream> <text>` */
const ENTRY = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (stdout|stderr|rxproc) (.*)$/;
const entries = (file: string): Array<{ time: string; stream: string; text: string }> =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = ENTRY.exec(line);
      expect(match, `a stamped line: ${line}`).not.to.equal(null);
      return { time: match![1]!, stream: match![2]!, text: match![3]! };
    });

describe('rxproc run: log files (through the built bin)', function () {
  this.timeout(60000);
  const make = useTaskDirs();

  it('writes each line with its time and stream, relative to the task file, and leaves the console as it was', () => {
    const dir = make(`
tasks:
  api:
    sh: 'echo hello; echo oops >&2; printf "no newline at the end"'
    log: out/api.log
`);
    const { code, stdout } = rxproc(['run'], dir);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^api +\| hello$/m);
    expect(stdout).to.match(/^api +! oops$/m);
    const got = entries(join(dir, 'out/api.log'));
    expect(got.filter((e) => e.stream !== 'rxproc').map((e) => `${e.stream} ${e.text}`)).to.have.members([
      'stdout hello',
      'stderr oops',
      'stdout no newline at the end',
    ]);
    expect(got.map((e) => e.text)).to.include('exited (exit code 0)');
    expect(got.map((e) => e.time)).to.deep.equal(got.map((e) => e.time).sort());
    expect(new Date(got[0]!.time).getTime()).to.be.closeTo(Date.now(), 60000);
  });

  it('logDir: one file per task, named after it', () => {
    const dir = make(`
logDir: logs
tasks:
  one: { sh: 'echo from one' }
  two: { sh: 'echo from two' }
  three: { sh: 'echo from three', log: elsewhere.log }
  four: { sh: 'echo from four', log: { maxSize: 1MB, keep: 1 } }
`);
    expect(rxproc(['run'], dir).code).to.equal(0);
    expect(readdirSync(join(dir, 'logs')).sort()).to.deep.equal(['four.log', 'one.log', 'two.log']);
    expect(entries(join(dir, 'logs/four.log')).map((e) => e.text)).to.include('from four');
    expect(entries(join(dir, 'logs/two.log')).map((e) => e.text)).to.include('from two');
    expect(entries(join(dir, 'elsewhere.log')).map((e) => e.text)).to.include('from three');
  });

  it('rotates at maxSize, keeps `keep` files, and loses no line', () => {
    const dir = make(`
tasks:
  chatty:
    sh: 'i=1; while [ $i -le 300 ]; do echo "line $i"; i=$((i+1)); done'
    log: { file: chatty.log, maxSize: 2KB, keep: 3 }
`);
    expect(rxproc(['run'], dir).code).to.equal(0);
    const files = readdirSync(dir).filter((f) => f.startsWith('chatty.log'));
    expect(files.sort()).to.deep.equal(['chatty.log', 'chatty.log.1', 'chatty.log.2', 'chatty.log.3']);
    for (const file of files) expect(statSync(join(dir, file)).size).to.be.at.most(2048);
    // Oldest first: .3, .2, .1, then the current file; the lines kept are the newest ones, in order, none missing.
    const kept = ['chatty.log.3', 'chatty.log.2', 'chatty.log.1', 'chatty.log'].flatMap((f) => entries(join(dir, f)));
    const numbers = kept.filter((e) => e.stream === 'stdout').map((e) => Number(/^line (\d+)$/.exec(e.text)![1]));
    expect(numbers.at(-1)).to.equal(300);
    expect(numbers).to.deep.equal(numbers.map((_, i) => numbers[0]! + i));
  });

  it('flushes the last lines of a task stopped by Ctrl-C before the file is closed', async () => {
    const dir = make(`
tasks:
  svc:
    sh: "trap 'echo last words; exit 0' TERM; echo up; while :; do sleep 0.05; done"
    log: svc.log
`);
    const run = startRxproc(['run', '--json'], dir);
    expect(await eventually(() => run.seen.some((e) => e.line === 'up'), 20000)).to.equal(true);
    run.child.kill('SIGINT');
    expect(await run.exited).to.equal(130);
    const texts = entries(join(dir, 'svc.log')).map((e) => e.text);
    expect(texts).to.include.members(['up', 'stopping', 'last words', 'exited (exit code 0)']);
  });

  it('refuses bad log keys with exit 2, naming the file, line and key', () => {
    const cases: Array<[string, RegExp]> = [
      ['log: 3', /rxproc\.yaml:4: tasks\.a\.log: expected string or object/],
      ['log: { file: a.log, maxSize: lots }', /rxproc\.yaml:4: tasks\.a\.log\.maxSize: a size: bytes .*"lots"/],
      ['log: { file: a.log, maxSize: 0 }', /rxproc\.yaml:4: tasks\.a\.log\.maxSize: /],
      ['log: { file: a.log, keep: -1 }', /rxproc\.yaml:4: tasks\.a\.log\.keep: /],
      ['log: { file: a.log, rotate: 2 }', /rxproc\.yaml:4: tasks\.a\.log: unknown key "rotate"/],
      ['log: { keep: 2 }', /rxproc\.yaml:4: tasks\.a\.log\.file: needs a "file" \(or a top-level "logDir"\)/],
    ];
    for (const [line, expected] of cases) {
      const { code, stderr } = rxproc(['run'], make(`tasks:\n  a:\n    sh: 'true'\n    ${line}\n`));
      expect(code, line).to.equal(2);
      expect(stderr, line).to.match(expected);
    }
    const { code, stderr } = rxproc(['run'], make(`tasks:\n  a: { sh: 'true' }\nlogDir: [x]\n`));
    expect(code).to.equal(2);
    expect(stderr).to.match(/rxproc\.yaml:3: logDir: expected string/);
  });

  it('a log file that cannot be opened fails its task at start, named', () => {
    const dir = make(`
tasks:
  a: { sh: 'echo hi', log: rxproc.yaml/cannot-be-here.log }
`);
    const { code, stdout } = rxproc(['run'], dir);
    expect(code).to.equal(1);
    expect(stdout).to.match(/a failed: .*(ENOTDIR|EEXIST)/);
  });
});
