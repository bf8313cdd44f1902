import { inspect } from 'node:util';
import type { SpawnOptions } from '../../options.js';
import { validateOptions, type ResolvedOptions } from './validateOptions.js';

/** Checks `(command, args?, options?)` or `(command, options?)`; throws a `TypeError` naming what is wrong. */
export function parseCommand(
  where: string,
  command: string,
  argsOrOptions: readonly string[] | SpawnOptions | undefined,
  maybeOptions: SpawnOptions | undefined,
): { args: readonly string[]; options: ResolvedOptions } {
  if (typeof command !== 'string' || command === '') {
    throw new TypeError(`${where}: the command must be a non-empty string, got ${describe(command)}`);
  }
  let args: readonly string[] = [];
  let options = maybeOptions;
  if (Array.isArray(argsOrOptions)) args = argsOrOptions;
  else if (isPlainObject(argsOrOptions) && maybeOptions === undefined) options = argsOrOptions as SpawnOptions;
  else if (argsOrOptions !== undefined) {
    throw new TypeError(`${where}: the arguments must be an array of strings, got ${describe(argsOrOptions)}`);
  }
  const bad = args.findIndex((arg) => typeof arg !== 'string');
  if (bad >= 0) throw new TypeError(`${where}: argument ${bad + 1} must be a string, got ${describe(args[bad])}`);
  return { args: Object.freeze([...args]), options: validateOptions(where, options) };
}

function describe(value: unknown): string {
  return `${value === null ? 'null' : typeof value} ${inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 60 })}`;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
