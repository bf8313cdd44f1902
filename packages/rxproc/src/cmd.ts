import type { SpawnOptions } from './options.js';
import { ProcessObservable } from './processObservable.js';
import { parseCommand } from './internal/options/parseCommand.js';
import { parseTemplate, type CmdValue } from './internal/options/parseTemplate.js';
import { validateOptions } from './internal/options/validateOptions.js';

export type { CmdValue } from './internal/options/parseTemplate.js';

/** The tag that `cmd$(options)` returns: `cmd$` with those options. */
export type CmdTag = (strings: TemplateStringsArray, ...values: readonly CmdValue[]) => ProcessObservable;

/**
 * `spawn$` as a tagged template, for the everyday command: `` cmd$`git log --oneline -n ${n}` `` is
 * `spawn$('git', ['log', '--oneline', '-n', String(n)])`. No shell is involved, ever.
 *
 * - The template's own text is split on whitespace (spaces, tabs, newlines); the first word is the command.
 * - Each `${}` is exactly one argument, whatever it contains (spaces, quotes, `*`, `$`, an empty string):
 *   strings as they are, finite numbers as `String(n)`. An array gives one argument per element (none when
 *   it is empty) and must stand alone.
 * - A `${}` glued to text or to another `${}` joins that word: `` cmd$`head --lines=${n} ${dir}/${file}` ``.
 * - Quotes and backslashes in the template's text are literal characters, not shell syntax:
 *   `` cmd$`echo "a b"` `` runs `echo` with the two arguments `"a` and `b"`. Interpolate instead:
 *   `` cmd$`echo ${'a b'}` ``.
 *
 * @example
 * ```ts
 * import { cmd$ } from 'rxproc';
 *
 * const n = 3;
 * const files = ['README.md', 'package.json'];
 * console.log(await cmd$`git log --oneline -n ${n}`.text());
 * console.log(await cmd$`wc -l ${files}`.text()); // wc -l README.md package.json
 * console.log(await cmd$({ cwd: '/tmp' })`ls -a`.text()); // with spawn$'s options
 * ```
 *
 * @returns A {@link ProcessObservable}, exactly what `spawn$` returns for that command and arguments; or,
 *   when called with options (`cmd$(options)`), the tag that runs its commands with those options.
 * @throws TypeError at call time when a `${}` holds anything but a string, a finite number or an array of
 *   them (an object, `undefined`, `null`, a function, a symbol…: the message names which `${}`), when an
 *   array is glued to other text, when the template has no command, or when an option is invalid.
 */
export function cmd$(strings: TemplateStringsArray, ...values: readonly CmdValue[]): ProcessObservable;
export function cmd$(options: SpawnOptions): CmdTag;
export function cmd$(first: TemplateStringsArray | SpawnOptions, ...values: readonly CmdValue[]): ProcessObservable | CmdTag {
  if (isTemplate(first)) return run(first, values, undefined);
  if (typeof first !== 'object' || first === null || Array.isArray(first) || values.length > 0) {
    throw new TypeError('cmd$: use it as a tag (cmd$`ls -l`) or with one options object (cmd$({ cwd })`ls -l`)');
  }
  validateOptions('cmd$', first);
  return (strings, ...tagValues) => {
    if (!isTemplate(strings)) throw new TypeError('cmd$(options): use the result as a tag: cmd$(options)`ls -l`');
    return run(strings, tagValues, first);
  };
}

function run(strings: TemplateStringsArray, values: readonly unknown[], options: SpawnOptions | undefined): ProcessObservable {
  const [command, ...args] = parseTemplate('cmd$', strings, values);
  if (command === undefined) throw new TypeError('cmd$: the template has no command');
  const parsed = parseCommand('cmd$', command, args, options);
  return new ProcessObservable([{ command, ...parsed }]);
}

function isTemplate(value: unknown): value is TemplateStringsArray {
  return Array.isArray(value) && Object.hasOwn(value, 'raw');
}
