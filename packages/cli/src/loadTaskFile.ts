import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkTaskOptions } from './checkTaskOptions.js';
import { taskFileSchema, type TaskFile } from './schema.js';
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
 * Reads, parses (YAML, of which JSON is a part) and checks a task file: its shape, its task graph, and each
 * process's options as the library checks them. Nothing runs before the whole file has passed.
 */
export function loadTaskFile(path: string): TaskFile {
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
  const parsed = taskFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new TaskFileError(describeIssues(path, parsed.error.issues, doc, lineCounter));
  const problem = checkGraph(parsed.data) ?? checkTaskOptions(parsed.data, dirname(path));
  if (problem !== undefined) {
    throw new TaskFileError(`${path}:${lineOf(doc, lineCounter, problem.path)}: ${problem.path.join('.')}: ${problem.message}`);
  }
  return parsed.data;
}

function describeIssues(path: string, issues: readonly z.core.$ZodIssue[], doc: ReturnType<typeof parseDocument>, lines: LineCounter): string {
  const shown = issues.slice(0, 5).map((raw) => {
    const issue = deepest(raw);
    const where = issue.path.map(String);
    const key = where.length === 0 ? '(top level)' : where.join('.');
    // An unknown key is found on its own line, not on its parent's (nor on its value's); a bad key (a task
    // name) on its own line too, not on its value's.
    const line =
      issue.code === 'unrecognized_keys'
        ? keyLine(doc, lines, where, String(issue.keys[0]))
        : issue.code === 'invalid_key' && where.length > 0
          ? keyLine(doc, lines, where.slice(0, -1), where.at(-1)!)
          : lineOf(doc, lines, where);
    return `${path}:${line}: ${key}: ${explain(issue)}`;
  });
  const more = issues.length > 5 ? `\n(and ${issues.length - 5} more)` : '';
  return `${shown.join('\n')}${more}`;
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
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? 'not a valid key';
    return `"${String(issue.path.at(-1))}" is not valid: ${inner}`;
  }
  // In YAML terms: a record is a map.
  return issue.message.replace(/^Invalid input: /, '').replace(/\brecord\b/g, 'map');
}

/** The line of key `key` in the map at `path`. */
function keyLine(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly string[], key: string): number | '?' {
  const map: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
  }
  return lineOf(doc, lines, [...path, key]);
}

/** The line of the deepest node of `path` that exists in the document (1-based), or '?'. */
function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly string[]): number | '?' {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lines.linePos(range[0]).line;
    if (depth === 0 && isMap(doc.contents)) return 1;
  }
  return '?';
}
