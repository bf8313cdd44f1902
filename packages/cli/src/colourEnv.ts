import type { SpawnOptions } from 'rxproc';
import { colorWanted } from './reporter.js';

/**
 * What rxproc adds to its tasks' environment for colours: `FORCE_COLOR` when rxproc's own stdout is a
 * colour terminal (the CLI's own test, `colorWanted`, on a TTY whose `getColorDepth()` is above 1), so that
 * tools that colour only on a terminal (they see a pipe) keep their colours, as concurrently does. The value
 * follows the terminal's depth: '1' (16 colours), '2' (256), '3' (16 million), as chalk and supports-color
 * read it. Nothing is added with `--json` (the lines are data), when rxproc's own environment already has
 * `FORCE_COLOR` (the tasks inherit it as it is) or `NO_COLOR`, or when stdout is not a terminal.
 */
export function colourEnv(env: NodeJS.ProcessEnv, isTTY: boolean, colorDepth: number, json: boolean): Record<string, string> {
  if (json || !isTTY || env.FORCE_COLOR !== undefined || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return {};
  if (!colorWanted(env, isTTY) || colorDepth <= 1) return {};
  return { FORCE_COLOR: colorDepth >= 24 ? '3' : colorDepth >= 8 ? '2' : '1' };
}

/** A process's options with `extra` under its own `env`: nothing when its env sets FORCE_COLOR or NO_COLOR. */
export function withColourEnv(options: SpawnOptions, extra: Readonly<Record<string, string>>): SpawnOptions {
  const own = options.env ?? {};
  if (Object.keys(extra).length === 0 || own.FORCE_COLOR !== undefined || own.NO_COLOR !== undefined) return options;
  return { ...options, env: { ...extra, ...own } };
}
