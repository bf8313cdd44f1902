import { inspect } from 'node:util';
import { Observable } from 'rxjs';
import { ProcessRun } from './internal/processRun.js';
import { validateOptions } from './internal/validateOptions.js';
/**
 * A process as a cold Observable, as returned by {@link spawn$}. It is an ordinary RxJS Observable; it also
 * says what it runs, so that operators can recognise a process source (and, for instance, connect two
 * processes with a kernel pipe). Create it with `spawn$`, not with `new`.
 *
 * @example
 * ```ts
 * import { spawn$, ProcessObservable } from 'rxproc';
 *
 * const make$ = spawn$('make', ['-j4'], { cwd: 'build' });
 * console.log(make$ instanceof ProcessObservable, make$.command, make$.args, make$.options.killSignal);
 * // true make [ '-j4' ] SIGTERM
 * ```
 */
export class ProcessObservable extends Observable {
    command;
    args;
    /** The options, checked and with their defaults. */
    options;
    constructor(command, args, options) {
        super((subscriber) => new ProcessRun(subscriber, { command, args, options }).start());
        this.command = command;
        this.args = args;
        this.options = options;
    }
}
export function spawn$(command, argsOrOptions, maybeOptions) {
    const where = 'spawn$';
    if (typeof command !== 'string' || command === '') {
        throw new TypeError(`${where}: the command must be a non-empty string, got ${describe(command)}`);
    }
    let args = [];
    let options = maybeOptions;
    if (Array.isArray(argsOrOptions))
        args = argsOrOptions;
    else if (isPlainObject(argsOrOptions) && maybeOptions === undefined)
        options = argsOrOptions;
    else if (argsOrOptions !== undefined) {
        throw new TypeError(`${where}: the arguments must be an array of strings, got ${describe(argsOrOptions)}`);
    }
    const bad = args.findIndex((arg) => typeof arg !== 'string');
    if (bad >= 0)
        throw new TypeError(`${where}: argument ${bad + 1} must be a string, got ${describe(args[bad])}`);
    return new ProcessObservable(command, Object.freeze([...args]), validateOptions(where, options));
}
function describe(value) {
    return `${value === null ? 'null' : typeof value} ${inspect(value, { depth: 1, breakLength: Infinity, maxStringLength: 60 })}`;
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
