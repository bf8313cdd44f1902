import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The keys a map of the task file may have at `path` (`['tasks', 'api']` → `cmd`, `args`, …), read from the
 * schema itself, so that a key added to the schema is suggested without a list kept here.
 */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const visit = (node: z.ZodType, rest: readonly PropertyKey[]): void => {
    const def = defOf(node);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (inner !== undefined) visit(inner, rest);
    if (def.type === 'pipe' && def.out !== undefined) visit(def.out, rest);
    for (const option of def.type === 'union' ? (def.options ?? []) : []) visit(option, rest);
    if (def.type === 'object' && def.shape !== undefined) {
      if (rest.length === 0) for (const key of Object.keys(def.shape)) keys.add(key);
      else if (Object.hasOwn(def.shape, rest[0]!)) visit(def.shape[rest[0] as string]!, rest.slice(1));
    }
    if (rest.length > 0 && def.type === 'record' && def.valueType !== undefined) visit(def.valueType, rest.slice(1));
    if (rest.length > 0 && def.type === 'array' && def.element !== undefined) visit(def.element, rest.slice(1));
  };
  visit(schema, path);
  return [...keys];
}

/**
 * The known key closest to `key`, if one is close enough to be what was meant: `redy` → `ready`,
 * `depends_on` → `dependsOn`, `untill` → `until`. Case, `_` and `-` are not counted, then at most one
 * edit in three characters (at least one).
 */
export function closest(key: string, known: readonly string[]): string | undefined {
  const plain = (word: string): string => word.toLowerCase().replace(/[_-]/g, '');
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(plain(key).length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(plain(key), plain(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
