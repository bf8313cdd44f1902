import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { anchorsOf, deadLinks, linksOf, packedFiles, slug } from '../support/packedDocs.js';

const root = resolve(__dirname, '../..');

describe('the packed package (npm pack --dry-run)', function () {
  this.timeout(30000);
  let files: string[];

  before(async () => {
    // `npm test` builds first (pretest), so dist/ is there as it is at publish time.
    files = await packedFiles(root);
  });

  it('ships the build, the README and the changelog', () => {
    expect(files).to.include.members(['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']);
  });

  it('ships no spec, no source, no generated API reference and no contributor-only page', () => {
    const unwanted = files.filter((f) => /^(spec|src|docs\/api|bench|scripts|examples)\//.test(f) || f === 'docs/reliability.md');
    expect(unwanted).to.deep.equal([]);
  });

  it('ships the user documentation', () => {
    expect(files.filter((f) => f.startsWith('docs/'))).to.include.members(['docs/getting-started.md', 'docs/termination.md', 'docs/remote.md', 'docs/cli.md']);
  });

  it('every relative link of every shipped page resolves inside the package, anchors included', async () => {
    const dead = await deadLinks(root, files);
    const list = dead.map((d) => `  ${d.page}:${d.line}: ${d.target} (${d.reason})`).join('\n');
    expect(dead.length, `${dead.length} dead links:\n${list}\n`).to.equal(0);
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
      expect(dead.map((d) => `${d.page}:${d.target}`)).to.deep.equal(['README.md:docs/b.md', 'README.md:../x.md', 'README.md:docs/a.md#nowhere', 'docs/a.md:../spec/x.spec.ts']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
