import { EnvFiles, type FileProblem, type Variables } from './envFiles.js';
import { interpolate, InterpolationError } from './interpolate.js';

/**
 * The keys of a task whose strings get `${VAR}` interpolation, as paths (`*`: any key or index). Every
 * string at or below such a key is interpolated, so `args`, `log: { file }` and a probe's map are covered
 * whole. `ready` itself (a regular expression, where `$` means the end of a line) and `ready.pattern` are
 * not; nor are task names, `dependsOn`, `host` or `envFile`. `env` is done first, from the environment
 * below it; the rest from the task's whole environment.
 */
const TASK_KEYS = [
  'cmd',
  'args',
  'sh',
  'cwd',
  'log',
  ...['ready', 'liveness'].flatMap((probe) => ['http', 'tcp', 'exec'].map((form) => `${probe}.${form}`)),
  'pipe.*.cmd',
  'pipe.*.args',
  'pipe.*.sh',
  'stop.cmd',
  'stop.args',
  'stop.sh',
].map((key) => key.split('.'));

/** Top-level keys that get interpolation, from rxproc's environment, `.env` and the top-level `envFile`. */
const TOP_KEYS = [['logDir']];

/** What `applyEnvironment` found: per task, the variables its env files add (below its own `env`). */
export interface Environment {
  readonly fromFiles: Map<string, Variables>;
  readonly problems: FileProblem[];
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the env files of a parsed (not yet checked) task file and interpolates `${VAR}` in place, each
 * task from its own environment: rxproc's own (`processEnv`), then `.env` beside the file (unless
 * `dotenv: false`), the top-level `envFile`, the task's `envFile`, the task's `env`, later ones winning.
 * Values of the wrong type are skipped here: the schema, run next, reports them.
 */
export function applyEnvironment(raw: unknown, baseDir: string, processEnv: NodeJS.ProcessEnv): Environment {
  const problems: FileProblem[] = [];
  const fromFiles = new Map<string, Variables>();
  if (!isMap(raw)) return { fromFiles, problems };
  const files = new EnvFiles(baseDir);
  const common = { ...(raw.dotenv === false ? {} : files.dotenv(problems)), ...files.envFile(raw.envFile ?? [], ['envFile'], problems) };
  for (const keys of TOP_KEYS) interpolateAt(raw, keys, [], { ...processEnv, ...common }, problems);
  if (!isMap(raw.tasks)) return { fromFiles, problems };
  for (const [name, shared] of Object.entries(raw.tasks)) {
    if (!isMap(shared)) continue;
    const task = { ...shared };
    set(raw.tasks, name, task);
    const path = ['tasks', name];
    const own = { ...common, ...files.envFile(task.envFile ?? [], [...path, 'envFile'], problems) };
    fromFiles.set(name, own);
    const below = { ...processEnv, ...own };
    interpolateAt(task, ['env'], path, below, problems);
    const env = isMap(task.env) ? Object.fromEntries(Object.entries(task.env).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
    for (const keys of TASK_KEYS) interpolateAt(task, keys, path, { ...below, ...env }, problems);
  }
  return { fromFiles, problems };
}

/** Interpolates, in place, every string at or below the key `keys` leads to in `node` (found at `path`). */
function interpolateAt(node: unknown, keys: readonly string[], path: string[], env: NodeJS.ProcessEnv, problems: FileProblem[]): void {
  if (keys.length === 0) return void interpolateAll(node, path, env, problems);
  if (typeof node !== 'object' || node === null) return;
  const [key, ...rest] = keys as [string, ...string[]];
  const container = node as Record<string, unknown>;
  for (const k of key === '*' ? Object.keys(container) : Object.hasOwn(container, key) ? [key] : []) {
    const value = copied(container, k);
    if (typeof value === 'string' && rest.length === 0) set(container, k, interpolated(value, [...path, k], env, problems));
    else interpolateAt(value, rest, [...path, k], env, problems);
  }
}

function interpolateAll(node: unknown, path: string[], env: NodeJS.ProcessEnv, problems: FileProblem[]): void {
  if (typeof node !== 'object' || node === null) return;
  const container = node as Record<string, unknown>;
  for (const k of Object.keys(container)) {
    const value = copied(container, k);
    if (typeof value === 'string') set(container, k, interpolated(value, [...path, k], env, problems));
    else interpolateAll(value, [...path, k], env, problems);
  }
}

/**
 * `container[k]`, a map or a list replaced by a copy of its own first: a YAML alias (`*defaults`) is one
 * object in every place it is used, and each place is interpolated from its own task's environment.
 */
function copied(container: Record<string, unknown>, k: string): unknown {
  const value = container[k];
  if (typeof value !== 'object' || value === null) return value;
  const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...value };
  set(container, k, copy);
  return copy;
}

/** `container[k] = value`, also for a key named "__proto__" (an `env` name may be), which `=` would not set. */
function set(container: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(container, k, { value, writable: true, enumerable: true, configurable: true });
}

function interpolated(value: string, path: string[], env: NodeJS.ProcessEnv, problems: FileProblem[]): string {
  try {
    return interpolate(value, env);
  } catch (error) {
    if (!(error instanceof InterpolationError)) throw error;
    problems.push({ path, message: error.message });
    return value;
  }
}
