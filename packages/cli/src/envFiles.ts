import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import dotenv from 'dotenv';

/** A problem found in the task file: the key it is at (a path into the file) and what is wrong. */
export interface FileProblem {
  readonly path: string[];
  readonly message: string;
}

export type Variables = Record<string, string>;

/**
 * Reads the env files a task file names, each once, relative to the task file's folder. They are parsed
 * with dotenv's `parse` (the format most `.env` files are written for: `export ` prefixes, `#` comments,
 * single, double and backtick quotes, multi-line values in quotes, `\n` in double quotes), and the
 * values are taken as written: no `${…}` inside an env file.
 */
export class EnvFiles {
  private readonly read = new Map<string, Variables | Error>();

  constructor(private readonly baseDir: string) {}

  /** The `.env` beside the task file: nothing when there is none. */
  dotenv(problems: FileProblem[]): Variables {
    const found = this.load('.env');
    if (!(found instanceof Error)) return found;
    if ((found as NodeJS.ErrnoException).code === 'ENOENT') return {};
    problems.push({ path: ['dotenv'], message: `cannot read ${resolve(this.baseDir, '.env')}: ${found.message} (dotenv: false to not read it)` });
    return {};
  }

  /**
   * The variables of an `envFile` key's value (a path or a list of paths, later files winning), at `path`
   * in the task file. A file that is missing is a problem. A value of another type is left to the schema.
   */
  envFile(value: unknown, path: string[], problems: FileProblem[]): Variables {
    const list: unknown[] = Array.isArray(value) ? value : [value];
    const variables: Variables = {};
    for (const [i, file] of list.entries()) {
      if (typeof file !== 'string' || file === '') continue;
      const found = this.load(file);
      if (found instanceof Error) {
        const why = (found as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : found.message;
        problems.push({ path: Array.isArray(value) ? [...path, String(i)] : path, message: `cannot read ${resolve(this.baseDir, file)}: ${why}` });
      } else Object.assign(variables, found);
    }
    return variables;
  }

  private load(file: string): Variables | Error {
    const path = resolve(this.baseDir, file);
    let found = this.read.get(path);
    if (found === undefined) {
      try {
        found = dotenv.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        found = error as Error;
      }
      this.read.set(path, found);
    }
    return found;
  }
}
