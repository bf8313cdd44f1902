import { reject } from './checks.js';

/** The terminal a `tty` process gets, after checking. */
export interface ResolvedTty {
  readonly cols: number;
  readonly rows: number;
}

const DEFAULT_TTY: ResolvedTty = Object.freeze({ cols: 80, rows: 24 });
/** A terminal's size is an unsigned short in the kernel (`struct winsize`). */
const MAX_SIZE = 65535;

const isSize = (value: unknown): boolean => value === undefined || (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SIZE);

/**
 * Checks `tty` and the options it cannot go with; returns the terminal's size, or `undefined` without
 * `tty`. Each refusal says why: a terminal has one output and no IPC channel, and over ssh it would be
 * ssh's terminal, not the process's.
 */
export function checkTty(where: string, o: Readonly<Record<string, unknown>>): ResolvedTty | undefined {
  const tty = o.tty;
  if (tty === undefined || tty === false) return undefined;
  if (tty !== true) {
    const ok = typeof tty === 'object' && tty !== null && !Array.isArray(tty);
    const { cols, rows, ...rest } = (ok ? tty : {}) as { cols?: unknown; rows?: unknown };
    if (!ok || !isSize(cols) || !isSize(rows) || Object.keys(rest).length > 0) {
      reject(where, 'tty', `a boolean or { cols?: number, rows?: number } (integers from 1 to ${MAX_SIZE})`, tty);
    }
  }
  const refuse = (what: string, why: string): never => {
    throw new TypeError(`${where}: option "tty" cannot be used with ${what}: ${why}`);
  };
  if (o.host !== undefined) refuse('"host"', "the process would get ssh's terminal, not its own (run it locally, or ssh -tt yourself)");
  if (o.ipc === true) refuse('"ipc"', 'a terminal carries no IPC channel');
  if (o.argv0 !== undefined) refuse('"argv0"', 'the terminal starts the program under its own name');
  if (o.stdin === 'inherit') refuse(`stdin: 'inherit'`, 'the process reads its own terminal (pass the input as the stdin option)');
  for (const name of ['stdout', 'stderr'] as const) {
    if (o[name] !== undefined && o[name] !== 'pipe') refuse(`a "${name}" other than 'pipe'`, 'a terminal has one output, emitted as stdout events');
  }
  if (tty === true) return DEFAULT_TTY;
  const { cols, rows } = tty as { cols?: number; rows?: number };
  return Object.freeze({ cols: cols ?? DEFAULT_TTY.cols, rows: rows ?? DEFAULT_TTY.rows });
}
