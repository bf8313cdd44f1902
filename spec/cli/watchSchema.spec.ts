import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTaskFile, TaskFileError } from '../../packages/cli/src/loadTaskFile.js';
import { rxproc, useTaskDirs } from './support.js';

describe('the task file’s `watch` key: its forms, its checks, and a path that does not exist', function () {
  this.timeout(60_000);
  const make = useTaskDirs();

  /** A task folder with `src/` and `config.json`, and `rxproc.yaml` holding one task `web` with `watch: …`. */
  function project(watch: string, more = ''): string {
    const dir = make(`tasks:\n  web:\n    sh: 'true'\n    watch: ${watch}\n${more}`);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'config.json'), '{}');
    return dir;
  }
  const load = (dir: string) => loadTaskFile(join(dir, 'rxproc.yaml'), {});
  /** The problems of a task file that does not load, `FILE` for its path. */
  function problems(dir: string): string[] {
    try {
      load(dir);
    } catch (error) {
      expect(error).to.be.instanceOf(TaskFileError);
      return (error as Error).message.split(join(dir, 'rxproc.yaml')).join('FILE').split('\n');
    }
    throw new Error('the file loaded');
  }

  it('normalises every form to { paths, ignore, debounce }, with the defaults ignore [] and debounce 200', () => {
    const forms: Array<[string, unknown]> = [
      ['src', { paths: ['src'], ignore: [], debounce: 200 }],
      ['[src, config.json]', { paths: ['src', 'config.json'], ignore: [], debounce: 200 }],
      ['{ paths: src }', { paths: ['src'], ignore: [], debounce: 200 }],
      ['{ paths: [src, config.json], ignore: "**/*.log", debounce: 0 }', { paths: ['src', 'config.json'], ignore: ['**/*.log'], debounce: 0 }],
      [
        '{ paths: [src], ignore: ["**/*.log", "node_modules/**"], debounce: 2147483647 }',
        { paths: ['src'], ignore: ['**/*.log', 'node_modules/**'], debounce: 2147483647 },
      ],
      ['{ paths: ., ignore: [] }', { paths: ['.'], ignore: [], debounce: 200 }],
    ];
    for (const [watch, expected] of forms) expect(load(project(watch)).tasks.web!.watch, watch).to.deep.equal(expected);
    expect(load(make(`tasks:\n  web: { sh: 'true' }\n`)).tasks.web!.watch).to.equal(undefined);
  });

  it('goes with `host`: the paths are on this machine (the sources of what runs there)', () => {
    const dir = make(`tasks:\n  web:\n    sh: 'true'\n    host: build-box\n    watch: .\n`);
    expect(load(dir).tasks.web!.watch).to.deep.equal({ paths: ['.'], ignore: [], debounce: 200 });
  });

  it('a value of a wrong shape: the key and what was expected', () => {
    const cases: Array<[string, string]> = [
      ['5', 'tasks.web.watch: expected string or array or object'],
      ['[]', 'tasks.web.watch: Too small: expected array to have >=1 items'],
      ['""', 'tasks.web.watch: Too small: expected string to have >=1 characters'],
      ['[src, ""]', 'tasks.web.watch.1: Too small: expected string to have >=1 characters'],
      ['{ paths: [] }', 'tasks.web.watch.paths: Too small: expected array to have >=1 items'],
      ['{ ignore: x }', 'tasks.web.watch.paths: expected string or array'],
      ['{ paths: [src, 3] }', 'tasks.web.watch.paths.1: expected string, received number'],
      ['{ paths: src, ignore: [""] }', 'tasks.web.watch.ignore.0: Too small: expected string to have >=1 characters'],
      ['{ paths: src, debounce: -1 }', 'tasks.web.watch.debounce: Too small: expected number to be >=0'],
      ['{ paths: src, debounce: 2147483648 }', 'tasks.web.watch.debounce: Too big: expected number to be <=2147483647'],
      ['{ paths: src, debounce: "5" }', 'tasks.web.watch.debounce: expected number, received string'],
      ['{ paths: src, debunce: 5 }', 'tasks.web.watch: unknown key "debunce" (did you mean "debounce"?)'],
    ];
    for (const [watch, message] of cases) expect(problems(project(watch)), watch).to.deep.equal([`FILE:4: ${message}`]);
  });

  it('a path that does not exist: a file error from `rxproc run` (exit 2), at its key and line, with every other problem', () => {
    const dir = project(
      '{ paths: [src, gone.json], debounce: 100 }',
      `  api:\n    sh: 'true'\n    killSignal: SIGFOO\n    watch:\n      - config.json\n      - nope/\n  db:\n    sh: 'true'\n    watch: missing\n`,
    );
    const { code, stdout, stderr } = rxproc(['run'], dir);
    expect(stdout).to.equal('');
    expect(code).to.equal(2);
    expect(stderr.split(resolve(dir, 'rxproc.yaml')).join('FILE').trimEnd().split('\n')).to.deep.equal([
      `rxproc: FILE:4: tasks.web.watch.paths.1: no such file or folder: ${join(dir, 'gone.json')}`,
      'FILE:7: tasks.api.killSignal: expected one of "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2"',
      `FILE:10: tasks.api.watch.1: no such file or folder: ${join(dir, 'nope')}`,
      `FILE:13: tasks.db.watch: no such file or folder: ${join(dir, 'missing')}`,
    ]);
    // A path through a file names nothing either; a file (not a folder) is a path to watch.
    const through = project('[config.json, config.json/x]');
    expect(problems(through)).to.deep.equal([`FILE:4: tasks.web.watch.1: no such file or folder: ${join(through, 'config.json/x')}`]);
  });
});
