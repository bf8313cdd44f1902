import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The layout's rules (CONTRIBUTING.md), checked on the sources' own import lines.
const root = resolve(__dirname, '..');
const GENERATED = new Set(['packages/rxproc/src/internal/remote/wrapper/wrappers.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

const files = [...sources(join(root, 'packages/rxproc/src')), ...sources(join(root, 'packages/cli/src'))];

/** Every module a file imports: repository paths for relative imports, package names otherwise. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((s) => (s.startsWith('.') ? relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, '.ts') : s));
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));
const under = (folder: string) => (file: string) => file.startsWith(`packages/rxproc/src/internal/${folder}/`);

describe('architecture', () => {
  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).to.deep.equal([]);
  });

  it('has no source file over 200 lines (generated files aside)', () => {
    const long = files.filter((f) => !GENERATED.has(f)).map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length - 1] as const);
    expect(long.filter(([, lines]) => lines > 200)).to.deep.equal([]);
  });

  it('the CLI uses only the public API of the library', () => {
    const reaching = files
      .filter((f) => f.startsWith('packages/cli/'))
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((m) => m.startsWith('packages/') && !m.startsWith('packages/cli/'))
          .map((m) => `${f} -> ${m}`),
      );
    expect(reaching).to.deep.equal([]);
  });

  it('dependencies point one way: a local run never reaches the remote code, and the remote side has one entry point', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        const edge = `${file} -> ${target}`;
        // local/, terminate/, io/, options/ sit below run/ and remote/.
        if (['local', 'terminate', 'io', 'options'].some((low) => under(low)(file)) && (under('run')(target) || under('remote')(target))) wrong.push(edge);
        if (['terminate', 'io'].some((low) => under(low)(file)) && under('local')(target)) wrong.push(edge);
        // Inside internal/, the remote side is reached through its entry point only.
        const internal = file.startsWith('packages/rxproc/src/internal/');
        if (internal && !under('remote')(file) && under('remote')(target) && !target.endsWith('/remote/openRemoteStages.ts')) wrong.push(edge);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
