import type { TaskConfig, TaskFile } from './schema.js';

/** What a task waits for in another: its readiness, or its successful completion. */
export type Condition = 'ready' | 'completed';

/** The dependencies of a task, normalised: name → condition. */
export function dependenciesOf(task: TaskConfig): Map<string, Condition> {
  const deps = task.dependsOn;
  if (deps === undefined) return new Map();
  return Array.isArray(deps) ? new Map(deps.map((name) => [name, 'ready' as const])) : new Map(Object.entries(deps));
}

/** A problem with the task graph: where it is and what it is. */
export interface GraphProblem {
  readonly path: string[];
  readonly message: string;
}

/** Unknown names in `dependsOn` or `until`, then (when every name is known) a cycle, named in full. */
export function checkGraph(file: TaskFile): GraphProblem[] {
  const names = Object.keys(file.tasks);
  const problems: GraphProblem[] = [];
  if (file.until !== undefined && !names.includes(file.until)) {
    problems.push({ path: ['until'], message: `no task named "${file.until}" (tasks: ${names.join(', ')})` });
  }
  for (const [name, task] of Object.entries(file.tasks)) {
    for (const dep of dependenciesOf(task).keys()) {
      if (!names.includes(dep)) problems.push({ path: ['tasks', name, 'dependsOn'], message: `no task named "${dep}" (tasks: ${names.join(', ')})` });
    }
  }
  if (problems.some((problem) => problem.path[0] === 'tasks')) return problems;
  const cycle = findCycle(file);
  if (cycle !== undefined) problems.push({ path: ['tasks', cycle[0]!, 'dependsOn'], message: `dependsOn has a cycle: ${cycle.join(' → ')}` });
  return problems;
}

function findCycle(file: TaskFile): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of dependenciesOf(file.tasks[name]!).keys()) {
      const found = visit(dep);
      if (found !== undefined) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(file.tasks)) {
    const found = visit(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The order to stop tasks in, as waves: first the tasks nothing depends on, then what they depended on,
 * and so on (dependents before what they depend on).
 */
export function stopWaves(file: TaskFile): string[][] {
  const remaining = new Set(Object.keys(file.tasks));
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const wave = [...remaining].filter((name) => [...remaining].every((other) => other === name || !dependenciesOf(file.tasks[other]!).has(name)));
    waves.push(wave);
    for (const name of wave) remaining.delete(name);
  }
  return waves;
}

/**
 * `names` and every task that depends on one of them, directly or not (`direction: 'dependents'`), or
 * that one of them depends on (`'dependencies'`).
 */
export function closure(file: TaskFile, names: Iterable<string>, direction: 'dependents' | 'dependencies'): Set<string> {
  const found = new Set(names);
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, task] of Object.entries(file.tasks)) {
      for (const dep of dependenciesOf(task).keys()) {
        const [from, to] = direction === 'dependents' ? [dep, name] : [name, dep];
        if (!found.has(from) || found.has(to)) continue;
        found.add(to);
        grew = true;
      }
    }
  }
  return found;
}
