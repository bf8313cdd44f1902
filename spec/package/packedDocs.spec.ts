import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { anchorsOf, deadLinks, linksOf, packedFiles, slug } from '../support/packedDocs.js';

const root = resolve(__dirname, '../..');
const library = join(root, 'packages/rxproc');
const cli = join(root, 'packages/cli');
/** Files no package ships: specs, sources, generated API pages, repository tooling, contributor pages. */
const unwanted = (files: string[]): string[] =>
  files.filter(
    (f) => /^(spec|src|docs\/api|bench|scripts|examples|node_modules)\//.test(f) || f === 'docs/reliability.md' || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );
const deadList = (dead: Awaited<ReturnType<typeof deadLinks>>): string => dead.map((d) => `  ${d.page}:${d.line}: ${d.target} (${d.reason})`).join('\n');

describe('the packed library, rxproc (npm pack --dry-run)', function () {
  this.timeout(30000);
  let files: string[];

  before(async () => {
    // `npm test` builds first (pretest), so dist/ is there as it is at publish time.
    files = await packedFiles(library);
  });

  it('ships the build, the README and the changelog, and no command line', () => {
    expect(files).to.include.members(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']);
    expect(files.filter((f) => f.startsWith('dist/cli/') || f.endsWith('main.js'))).to.deep.equal([]);
  });

  it('ships no spec, no source, no generated API reference and no contributor-only page', () => {
    expect(unwanted(files)).to.deep.equal([]);
  });

  it('ships the user documentation', () => {
    expect(files.filter((f) => f.startsWith('docs/'))).to.include.members([
      'docs/getting-started.md',
      'docs/termination.md',
      'docs/remote.md',
      'docs/backpressure.md',
    ]);
  });

  it('every relative link of every shipped page resolves inside the package, anchors included', async () => {
    const dead = await deadLinks(library, files);
    expect(dead.length, `${dead.length} dead links:\n${deadList(dead)}\n`).to.equal(0);
  });
});

describe('the packed command line, rxproc-cli (npm pack --dry-run)', function () {
  this.timeout(30000);
  let files: string[];

  before(async () => {
    files = await packedFiles(cli);
  });

  it('ships the built command, its README and licence, and nothing else', () => {
    expect(files).to.include.members(['package.json', 'README.md', 'LICENSE', 'dist/main.js', 'dist/supervisor.js']);
    expect(unwanted(files)).to.deep.equal([]);
  });

  it('every relative link of its README resolves inside the package', async () => {
    const dead = await deadLinks(cli, files);
    expect(dead.length, `${dead.length} dead links:\n${deadList(dead)}\n`).to.equal(0);
  });
});

describe('installing the packed tarballs', function () {
  this.timeout(180_000);
  let dir: string;
  const npm = (args: string[], cwd: string): string =>
    execFileSync('npm', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    });
  let tarballs: { library: string; cli: string };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxproc-pack-'));
    const pack = (from: string): string =>
      join(dir, (JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], from)) as { filename: string }[])[0]!.filename);
    tarballs = { library: pack(library), cli: pack(cli) };
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a library-only install carries only the library: no CLI dependency', () => {
    const app = join(dir, 'library-user');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{ "name": "library-user", "private": true }');
    npm(['install', '--prefer-offline', '--no-package-lock', tarballs.library, 'rxjs@^7.8.0'], app);
    const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).to.include.members(['rxproc', 'rxjs', 'signal-exit']);
    expect(installed).to.not.include.members(['zod']);
    for (const dependency of ['zod', 'yaml', 'commander', 'picocolors']) expect(installed).to.not.include(dependency);
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { spawn$, collectOutput } from 'rxproc'; import { lastValueFrom } from 'rxjs'; console.log((await lastValueFrom(spawn$('echo', ['packed']).pipe(collectOutput()))).stdout.trim());",
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(out.trim()).to.equal('packed');
  });

  it('the binary runs from the packed CLI (with the packed library)', () => {
    const app = join(dir, 'cli-user');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{ "name": "cli-user", "private": true }');
    npm(['install', '--prefer-offline', '--no-package-lock', tarballs.library, tarballs.cli], app);
    const bin = join(app, 'node_modules/.bin/rxproc');
    expect(existsSync(bin)).to.equal(true);
    expect(execFileSync(bin, ['--version'], { cwd: app, encoding: 'utf8' }).trim()).to.equal('0.1.0');
    const out = execFileSync(bin, ['echo from-the-packed-cli'], { cwd: app, encoding: 'utf8' });
    expect(out).to.contain('from-the-packed-cli');
  });
});

describe('the pages kept in the repository', () => {
  it('every relative link of every Markdown page resolves in the repository (the proofs of docs/reliability.md included)', async () => {
    const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '');
    const dead = await deadLinks(root, tracked);
    const list = dead.map((d) => `  ${d.page}:${d.line}: ${d.target} (${d.reason})`).join('\n');
    expect(dead.length, `${dead.length} dead links:\n${list}\n`).to.equal(0);
  });
});

describe('the link check itself', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('What each platform can and cannot promise')).to.equal('what-each-platform-can-and-cannot-promise');
    expect(slug('`maxLineLength`')).to.equal('maxlinelength');
    expect(slug('Spawning: `spawn$`')).to.equal('spawning-spawn');
    expect(slug('`killSignal`, `killTimeout`')).to.equal('killsignal-killtimeout');
    expect(slug('Kubernetes exec, on paper')).to.equal('kubernetes-exec-on-paper');
    expect([...anchorsOf('# A\n## B\n```\n# not a heading\n```\n## B\n')]).to.deep.equal(['a', 'b', 'b-1']);
  });

  it('finds links in prose, not in code', () => {
    const page = 'See [a](a.md#x), ![i](img/i.png "title") and `[no](code.md)`.\n```\n[no](fenced.md)\n```\n[ref]: ../out.md\n<a href="b.md">b</a>\n';
    expect(linksOf('p.md', page).map((l) => `${l.line}:${l.target}`)).to.deep.equal(['1:a.md#x', '1:img/i.png', '5:../out.md', '6:b.md']);
  });

  it('reports a missing file, a path outside the package and a missing anchor', async () => {
    const files = ['README.md', 'docs/a.md'];
    const texts: Record<string, string> = {
      'README.md': '[ok](docs/a.md#there) [gone](docs/b.md) [up](../x.md) [no](docs/a.md#nowhere) [self](#top) [web](https://example.com)\n# Top\n',
      'docs/a.md': '## There\n[spec](../spec/x.spec.ts)\n',
    };
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'rxproc-links-'));
    try {
      await mkdir(join(dir, 'docs'));
      for (const [name, text] of Object.entries(texts)) await writeFile(join(dir, name), text);
      const dead = await deadLinks(dir, files);
      expect(dead.map((d) => `${d.page}:${d.target}`)).to.deep.equal([
        'README.md:docs/b.md',
        'README.md:../x.md',
        'README.md:docs/a.md#nowhere',
        'docs/a.md:../spec/x.spec.ts',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
