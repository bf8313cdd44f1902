// What a package ships, as `npm pack` sees it, and the relative links of its Markdown pages that do not
// resolve inside it. Takes the package's folder, so that another package of this repository (the CLI, once it
// moves out) can run the same check.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The paths (relative, with `/`) that `npm pack` would put into the package in `packageDir`. */
export async function packedFiles(packageDir: string): Promise<string[]> {
  // --dry-run writes nothing; --ignore-scripts keeps prepack/prepare hooks (a build) out of the check.
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: packageDir,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: 'silent', npm_config_update_notifier: 'false' },
  });
  const report = JSON.parse(stdout) as { files: { path: string }[] }[];
  const files = report[0]?.files;
  if (files === undefined) throw new Error(`npm pack --dry-run --json printed no file list:\n${stdout}`);
  return files.map((f) => f.path.replace(/\\/g, '/')).sort();
}

export interface MarkdownLink {
  /** The page the link is in, relative to the package. */
  page: string;
  line: number;
  target: string;
}

export interface DeadLink extends MarkdownLink {
  reason: string;
}

/** GitHub's anchor for a heading (github-slugger): inline Markdown dropped, lower case, punctuation removed. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) → text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Lines outside fenced code blocks, with inline code spans blanked out (links in code are not links). */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((raw, i) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence !== undefined) {
      if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) fence = undefined;
      return;
    }
    if (opener !== undefined) {
      fence = opener;
      return;
    }
    out.push({ text: raw.replace(/(`+)[^`]*?\1/g, (m) => ' '.repeat(m.length)), line: i + 1 });
  });
  return out;
}

/** The anchors a page offers: its headings' slugs (numbered when repeated, as GitHub does), and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const raw of markdown.split('\n')) {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence !== undefined) {
      if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) fence = undefined;
      continue;
    }
    if (opener !== undefined) {
      fence = opener;
      continue;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of raw.matchAll(/<a\s[^>]*\b(?:id|name)=["']([^"']+)["']/gi)) anchors.add(m[1] ?? '');
  }
  return anchors;
}

/** The link targets of a page: `[text](target)`, `![alt](target)`, `[ref]: target` and `<a href>`. */
export function linksOf(page: string, markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const add = (target: string | undefined) => {
      if (target !== undefined) links.push({ page, line, target: target.replace(/^<(.*)>$/, '$1') });
    };
    for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+["'(][^)]*)?\)/g)) add(m[1]);
    const definition = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(text);
    if (definition !== null) add(definition[1]);
    for (const m of text.matchAll(/<a\s[^>]*\bhref=["']([^"']+)["']/gi)) add(m[1]);
  }
  return links;
}

const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i; // http:, https:, mailto:, …

/**
 * Every relative link of every Markdown page in the package that points outside it: to a file `npm pack`
 * leaves out, or to an anchor that is not a heading of its target page.
 */
export async function deadLinks(packageDir: string, files?: string[]): Promise<DeadLink[]> {
  const shipped = new Set(files ?? (await packedFiles(packageDir)));
  const pages = [...shipped].filter((f) => /\.md$/i.test(f));
  const texts = new Map<string, string>();
  const text = async (page: string) => {
    let t = texts.get(page);
    if (t === undefined) {
      t = await readFile(join(packageDir, page), 'utf8');
      texts.set(page, t);
    }
    return t;
  };
  const dead: DeadLink[] = [];
  for (const page of pages) {
    for (const link of linksOf(page, await text(page))) {
      if (external.test(link.target)) continue;
      const hash = link.target.indexOf('#');
      const pathPart = decodeURIComponent(hash === -1 ? link.target : link.target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
      let target = page;
      if (pathPart !== '') {
        if (pathPart.startsWith('/')) {
          dead.push({ ...link, reason: 'absolute path' });
          continue;
        }
        target = posix.normalize(posix.join(posix.dirname(page), pathPart)).replace(/\/$/, '');
        if (target.startsWith('../')) {
          dead.push({ ...link, reason: 'outside the package' });
          continue;
        }
        if (!shipped.has(target)) {
          const folder = [...shipped].some((f) => f.startsWith(`${target}/`));
          if (!folder) {
            dead.push({ ...link, reason: `${target} is not in the package` });
            continue;
          }
          if (anchor !== undefined) dead.push({ ...link, reason: `anchor into the folder ${target}` });
          continue;
        }
      }
      if (anchor !== undefined && anchor !== '') {
        if (!/\.md$/i.test(target)) {
          dead.push({ ...link, reason: `anchor into ${target}, which is not a Markdown page` });
        } else if (!anchorsOf(await text(target)).has(anchor)) {
          dead.push({ ...link, reason: `${target} has no heading #${anchor}` });
        }
      }
    }
  }
  return dead;
}
