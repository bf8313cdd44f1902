/**
 * A text encoding of `collectOutput` and `lines`: Node's `utf8`, `utf16le`, `latin1`, `ascii`, `base64`,
 * `base64url`, `hex`.
 *
 * @example
 * ```ts
 * import { spawn$, collectOutput, type OutputEncoding } from 'rxproc';
 *
 * const encoding: OutputEncoding = 'base64';
 * spawn$('head', ['-c', '16', '/dev/urandom']).pipe(collectOutput({ encoding })).subscribe(({ stdout }) => console.log(stdout));
 * ```
 */
export type OutputEncoding = 'utf8' | 'utf16le' | 'latin1' | 'ascii' | 'base64' | 'base64url' | 'hex';

/** The text encodings `collectOutput` and `lines` decode output with (Node's names). */
export const TEXT_ENCODINGS: readonly OutputEncoding[] = ['utf8', 'utf16le', 'latin1', 'ascii', 'base64', 'base64url', 'hex'];

/**
 * What output decoded with `E` is: a `Buffer` for `'buffer'`, a string otherwise (either for a union).
 *
 * @example
 * ```ts
 * import { spawn$, lines, type Decoded } from 'rxproc';
 *
 * function firstLine<E extends 'utf8' | 'buffer'>(encoding: E, print: (line: Decoded<E>) => void): void {
 *   spawn$('uname', ['-a']).pipe(lines({ encoding })).subscribe(print);
 * }
 * firstLine('buffer', (line) => console.log(line.length, 'bytes'));
 * ```
 */
export type Decoded<E extends OutputEncoding | 'buffer'> = E extends 'buffer' ? Buffer : string;

/** Encodings where one character may take several bytes, so that a cut may fall inside one. */
export const isCharacterEncoding = (encoding: OutputEncoding | 'buffer'): encoding is 'utf8' | 'utf16le' => encoding === 'utf8' || encoding === 'utf16le';

/** A `TypeError` for an `encoding` option that is neither a text encoding nor `'buffer'`. */
export function checkEncoding(operator: string, encoding: unknown): void {
  if (encoding === 'buffer' || (TEXT_ENCODINGS as readonly unknown[]).includes(encoding)) return;
  throw new TypeError(
    `${operator}: option "encoding" must be 'buffer' or one of ${TEXT_ENCODINGS.map((name) => `'${name}'`).join(', ')}, got ${String(encoding)}`,
  );
}
