/** A variable's name as `${…}` takes it: a shell name (letters, digits, `_`, not starting with a digit). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What `${…}` cannot be: the shell's other expansions (`${x#p}`, `${#x}`, `${x:+y}`, …), an unclosed brace. */
export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in `text` with values from `env`, and `$$` with `$`. Every other
 * `$` is left as it is, for the shell of an `sh` line: `$VAR`, `$1`, `$(cmd)`, `$((n+1))`, a lone `$`.
 *
 * - `${VAR}`: VAR's value; an unset VAR is an error (an empty one gives "").
 * - `${VAR:-default}`: VAR's value, or `default` (taken as written, up to the first `}`) when VAR is unset
 *   or empty, as in the shell.
 * - `$$`: one `$`, read left to right: `$$$$` is `$$` (the shell's own pid), `$${x}` is `${x}` for the shell.
 *
 * Any other `${…}` is an error rather than text passed on, so that a shell expansion meant for the shell
 * is never half-read by rxproc: write it `$${…}`.
 *
 * @throws {InterpolationError} naming the variable or the form.
 */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  let out = '';
  let i = 0;
  const unset: string[] = [];
  for (let at = text.indexOf('$'); at !== -1; at = text.indexOf('$', i)) {
    out += text.slice(i, at);
    const next = text[at + 1];
    if (next === '$') {
      out += '$';
      i = at + 2;
    } else if (next === '{') {
      const close = text.indexOf('}', at + 2);
      if (close === -1) throw new InterpolationError(`"${text.slice(at, at + 20)}…" has no closing "}" (write $\${ for a literal "\${")`);
      out += expand(text.slice(at + 2, close), env, unset);
      i = close + 1;
    } else {
      out += '$';
      i = at + 1;
    }
  }
  if (unset.length > 0) {
    const names = [...new Set(unset)].map((name) => `\${${name}}`);
    const example = `\${${unset[0]!}:-…}`;
    throw new InterpolationError(
      `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not set (in rxproc's environment, .env, envFile or env; or give a default: ${example})`,
    );
  }
  return out + text.slice(i);
}

/** The value of one `${…}`'s inside, `VAR` or `VAR:-default`; an unset VAR is added to `unset`. */
function expand(inside: string, env: Readonly<Record<string, string | undefined>>, unset: string[]): string {
  const dash = inside.indexOf(':-');
  const name = dash === -1 ? inside : inside.slice(0, dash);
  if (!NAME.test(name)) {
    throw new InterpolationError(
      `"\${${inside}}" is not a variable rxproc can read: it takes \${NAME} and \${NAME:-default} (write $\${${inside}} to leave it to the shell)`,
    );
  }
  const value = env[name];
  if (dash !== -1) return value === undefined || value === '' ? inside.slice(dash + 2) : value;
  if (value === undefined) unset.push(name);
  return value ?? '';
}
