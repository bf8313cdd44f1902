import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { checkTaskOptions } from './checkTaskOptions.js';
import { checkWatchPaths } from './checkWatchPaths.js';
import { closest, keysAt } from './didYouMean.js';
import type { FileProblem } from './envFiles.js';
import { taskFileSchema, type TaskFile } from './schema.js';
import { applyEnvironment } from './taskEnvironment.js';
import { checkGraph } from './taskGraph.js';

/** A task file that cannot be used: its message names the file, the line, the key and what was expected. */
export class TaskFileError extends Error {
  override name = 'TaskFileError';
}

/** The file to run: the one given, or rxproc.yaml, then rxproc.yml, then rxproc.json in `cwd`. */
export function findTaskFile(given: string | undefined, cwd: string): string {
  if (given !== undefined) return resolve(cwd, given);
  for (const candidate of ['rxproc.yaml', 'rxproc.yml', 'rxproc.json']) {
    const path = resolve(cwd, candidate);
    if (existsSync(path)) return path;
  }
  throw new TaskFileError(`no task file: found none of rxproc.yaml, rxproc.yml, rxproc.json in ${cwd} (or name one: rxproc run FILE)`);
}

/**
 * Reads, parses (YAML, of which JSON is a part) and checks a task file: its env files and `${VAR}`s (see
 * taskEnvironment.ts), its `watch` paths (checkWatchPaths.ts), its shape, its task graph, and each process's
 * options as the library checks them. Every problem found is reported, in the file's order. Nothing runs
 * before the whole file has passed.
 */
export function loadTaskFile(path: string, processEnv: NodeJS.ProcessEnv = process.env): TaskFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TaskFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new TaskFileError(`${path}:${first.linePos?.[0].line ?? '?'}: not valid YAML/JSON: ${first.message.split('\n')[0]!.replace(/:$/, '')}`);
  }
  if (doc.contents === null) throw new TaskFileError(`${path}:1: the file is empty: it needs a "tasks:" map`);
  const raw: unknown = doc.toJS();
  const environment = applyEnvironment(raw, dirname(path), processEnv);
  const parsed = taskFileSchema.safeParse(raw);
  const found = [
    ...[...environment.problems, ...checkWatchPaths(raw, dirname(path))].map((problem) => located(doc, lineCounter, problem)),
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => locatedIssues(doc, lineCounter, issue))),
  ];
  if (found.length === 0 && parsed.success) {
    for (const [name, variables] of environment.fromFiles) {
      const task = parsed.data.tasks[name]!;
      if (Object.keys(variables).length > 0) task.env = { ...variables, ...task.env };
    }
    found.push(...[...checkGraph(parsed.data), ...checkTaskOptions(parsed.data, dirname(path))].map((problem) => located(doc, lineCounter, problem)));
  }
  if (found.length > 0 || !parsed.success) {
    // In the file's order (a stable sort: problems of one line stay in the order they were found).
    found.sort((a, b) => (a.line === '?' ? Infinity : a.line) - (b.line === '?' ? Infinity : b.line));
    // A task-wide option is checked with each of its processes: the same problem is told once.
    throw new TaskFileError([...new Set(found.map(({ line, key, message }) => `${path}:${line}: ${key}: ${message}`))].join('\n'));
  }
  return parsed.data;
}

/** A problem, ready to print: its line, its key (a dotted path) and what is wrong. */
interface Located {
  readonly line: number | '?';
  readonly key: string;
  readonly message: string;
}

function located(doc: Document, lines: LineCounter, { path, message }: FileProblem): Located {
  return { line: lineOf(doc, lines, path), key: path.length === 0 ? '(top level)' : path.join('.'), message };
}

/** A schema issue as problems: one per unknown key (each on its own line, with a "did you mean"), else one. */
function locatedIssues(doc: Document, lines: LineCounter, raw: z.core.$ZodIssue): Located[] {
  const issue = deepest(raw);
  const where = issue.path.map(String);
  const key = where.length === 0 ? '(top level)' : where.join('.');
  if (issue.code === 'unrecognized_keys') {
    // An unknown key is found on its own line, not on its parent's (nor on its value's).
    const known = keysAt(taskFileSchema, issue.path);
    return issue.keys.map((unknown) => {
      const meant = closest(unknown, known);
      return { line: keyLine(doc, lines, where, unknown), key, message: `unknown key "${unknown}"${meant === undefined ? '' : ` (did you mean "${meant}"?)`}` };
    });
  }
  // A bad key (a task name) is found on its own line too, not on its value's.
  const line = issue.code === 'invalid_key' && where.length > 0 ? keyLine(doc, lines, where.slice(0, -1), where.at(-1)!) : lineOf(doc, lines, where);
  return [{ line, key, message: explain(issue) }];
}

/**
 * Of a union's failures, the one that got furthest into the value (`restart: { when: sometimes }` is about
 * `when`, not about `restart` as a whole), with its full path. When no branch got past the value itself,
 * the union is reported as a list of the shapes it accepts.
 */
function deepest(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is z.core.$ZodIssue => i !== undefined);
  const best = firsts.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  if (best.path.length > 0) return deepest({ ...best, path: [...issue.path, ...best.path] });
  const shapes = [
    ...new Set(firsts.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : i.code === 'invalid_value' ? i.values.map((v) => JSON.stringify(v)) : []))),
  ];
  const keys = [...new Set(firsts.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [])))];
  if (keys.length > 0) shapes.push('object');
  const together = keys.length > 0 ? `; keys that do not go together: ${keys.map((k) => `"${k}"`).join(', ')}` : '';
  return { ...issue, message: `expected ${[...new Set(shapes)].join(' or ').replace(/\brecord\b/g, 'map')}${together}` };
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? 'not a valid key';
    return `"${String(issue.path.at(-1))}" is not valid: ${inner}`;
  }
  // In YAML terms: a record is a map.
  return issue.message.replace(/^Invalid input: /, '').replace(/\brecord\b/g, 'map');
}

/** The line of key `key` in the map at `path`. */
function keyLine(doc: Document, lines: LineCounter, path: readonly string[], key: string): number | '?' {
  const map: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return lineOf(doc, lines, [...path, key]);
}

/** The line of the deepest node of `path` that exists in the document (1-based), or '?'. */
function lineOf(doc: Document, lines: LineCounter, path: readonly string[]): number | '?' {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
    if (depth === 0 && isMap(doc.contents)) return 1;
  }
  return '?';
}
