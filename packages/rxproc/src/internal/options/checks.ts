import { constants } from 'node:os';
import { inspect } from 'node:util';
import { isObservable } from 'rxjs';

/** Node timers cannot wait longer (about 24.8 days); `Infinity` means "never" where an option allows it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The largest user or group id an option accepts (ids are signed 32-bit on Linux). */
export const MAX_ID = 2 ** 31 - 1;

/** Throws a `TypeError` naming the option, what was expected and what was given. */
export function reject(where: string, name: string, expected: string, given: unknown): never {
  const shown = inspect(given, { depth: 1, breakLength: Infinity, maxStringLength: 80, maxArrayLength: 5 });
  throw new TypeError(`${where}: option "${name}" must be ${expected}, got ${shown}`);
}

/** Whether `value` names a signal this platform knows (`'SIGTERM'`, not `'sigterm'` or `15`). */
export function isSignalName(value: unknown): value is NodeJS.Signals {
  return typeof value === 'string' && Object.hasOwn(constants.signals, value);
}

/** Milliseconds from `min` to {@link MAX_TIMER_MS}, or `Infinity` when `infinite` allows it. */
export function isMs(value: unknown, min: number, infinite = true): value is number {
  return typeof value === 'number' && value >= min && (value <= MAX_TIMER_MS || (infinite && value === Infinity));
}

/** A user or group id. */
export function isId(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_ID;
}

/** Checks `argv0`, and the IPC options: `ipc`, and `send` and `serialization`, which need `ipc: true`. */
export function checkIpcOptions(where: string, o: Readonly<Record<string, unknown>>): void {
  if (o.argv0 !== undefined && (typeof o.argv0 !== 'string' || o.argv0 === '' || o.argv0.includes('\0'))) {
    reject(where, 'argv0', 'a non-empty string without NUL', o.argv0);
  }
  if (o.ipc !== undefined && typeof o.ipc !== 'boolean') reject(where, 'ipc', 'a boolean', o.ipc);
  if (o.send !== undefined && !isObservable(o.send)) reject(where, 'send', 'an Observable of the values to send', o.send);
  if (o.serialization !== undefined && o.serialization !== 'json' && o.serialization !== 'advanced') {
    reject(where, 'serialization', `'json' or 'advanced'`, o.serialization);
  }
  for (const name of ['send', 'serialization'] as const) {
    if (o[name] !== undefined && o.ipc !== true) throw new TypeError(`${where}: option "${name}" needs "ipc: true" (it uses the IPC channel)`);
  }
}
