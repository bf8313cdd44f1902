import { inspect } from 'node:util';

/** What `cmd$` accepts in a `${}`: one argument, or an array of them (one argument per element). */
export type CmdValue = string | number | readonly (string | number)[];

/**
 * Splits a tagged template into words, no shell involved: the template's own text is split on whitespace,
 * each interpolated value is exactly one argument (an array: one per element, and it must stand alone), and
 * a value glued to text or to another value joins that word. Throws a `TypeError` naming the position of a
 * bad value. Returns every word, the command first; `[]` for a template without any word.
 */
export function parseTemplate(where: string, strings: TemplateStringsArray, values: readonly unknown[]): string[] {
  const words: string[] = [];
  let word: string | undefined; // undefined: between words
  const addText = (text: string): void => {
    for (const char of text) {
      if (/\s/.test(char)) {
        if (word !== undefined) words.push(word);
        word = undefined;
      } else word = (word ?? '') + char;
    }
  };
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i];
    if (text === undefined) {
      throw new TypeError(`${where}: the template has an invalid escape sequence in its text: ${JSON.stringify(strings.raw[i])}`);
    }
    addText(text);
    if (i >= values.length) break;
    const value = values[i];
    const position = `the value of \${} number ${i + 1}`;
    if (Array.isArray(value)) {
      const next = strings[i + 1] ?? '';
      const gluedAfter = next === '' ? i + 1 < values.length : !/^\s/.test(next);
      if (word !== undefined || gluedAfter) {
        throw new TypeError(`${where}: ${position} is an array glued to other text; an array must stand alone (one argument per element)`);
      }
      (value as unknown[]).forEach((element, index) => words.push(toArgument(where, `element ${index} of ${position}`, element)));
    } else {
      word = (word ?? '') + toArgument(where, position, value);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function toArgument(where: string, position: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const got = `${value === null ? 'null' : typeof value} ${inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 60 })}`;
  throw new TypeError(`${where}: ${position} must be a string, a finite number or an array of them, got ${got}`);
}
