import { inspect } from 'node:util';
import type { SpawnOptions } from '../../options.js';

/** Which of the upstream's outputs `pipeTo` reads: its stdout (the default), its stderr, or both. */
export type PipeFrom = 'stdout' | 'stderr' | 'all';

const FROM: readonly PipeFrom[] = ['stdout', 'stderr', 'all'];

/**
 * Takes `pipeTo`'s own option `from` out of its `(args?, options?)` arguments (the rest are `spawn$`'s, to
 * check as usual) and checks it; throws a `TypeError` for anything but `'stdout'`, `'stderr'` or `'all'`.
 */
export function takePipeFrom<T extends readonly string[] | SpawnOptions | undefined, O extends SpawnOptions | undefined>(
  argsOrOptions: T,
  maybeOptions: O,
): { from: PipeFrom; argsOrOptions: T; maybeOptions: O } {
  const take = <V>(value: V): { from: unknown; rest: V } => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !('from' in value)) return { from: undefined, rest: value };
    const { from, ...rest } = value as Record<string, unknown>;
    return { from, rest: rest as V };
  };
  const first = take(argsOrOptions);
  const second = take(maybeOptions);
  const from = first.from !== undefined ? first.from : second.from !== undefined ? second.from : 'stdout';
  if (!FROM.includes(from as PipeFrom)) {
    throw new TypeError(`pipeTo: option "from" must be 'stdout', 'stderr' or 'all', got ${inspect(from)}`);
  }
  return { from: from as PipeFrom, argsOrOptions: first.rest, maybeOptions: second.rest };
}
