import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpawnError } from '../errors/SpawnError.js';
import { RedirectError } from './stdio.js';
/** Turns whatever `child_process.spawn` threw or emitted (or a redirect that failed) into a {@link SpawnError}. */
export function diagnoseSpawnFailure(error, spawn) {
    const code = error?.code ?? 'EUNKNOWN';
    return new SpawnError({
        command: spawn.command,
        args: spawn.args,
        cwd: spawn.cwd,
        pid: undefined,
        durationMs: performance.now() - spawn.startedAt,
        code,
        cause: error,
        reason: error instanceof RedirectError ? error.message : explain(code, spawn),
    });
}
/** Finds out which of the usual causes behind `code` it is, where the code alone is ambiguous. */
function explain(code, { command, cwd }) {
    const cwdKind = cwd === undefined ? 'directory' : kindOf(cwd);
    if ((code === 'ENOENT' || code === 'ENOTDIR') && cwdKind !== 'directory') {
        return cwdKind === 'missing' ? 'the working directory does not exist' : 'the working directory is not a directory';
    }
    const hasSlash = command.includes('/');
    if (code === 'ENOENT') {
        if (!hasSlash) {
            return `command not found: "${command}" is not in the PATH (or a program it needs, such as its #! interpreter, is missing)`;
        }
        const path = resolve(cwd ?? '.', command);
        return kindOf(path) === 'missing'
            ? `no such file: ${path}`
            : `${path} exists, but its #! interpreter (or a library it needs) is missing`;
    }
    if (code === 'EACCES' && hasSlash) {
        const path = resolve(cwd ?? '.', command);
        return kindOf(path) === 'directory' ? `${path} is a directory` : `${path} is not executable (chmod +x?)`;
    }
    return undefined;
}
function kindOf(path) {
    try {
        return statSync(path).isDirectory() ? 'directory' : 'file';
    }
    catch {
        return 'missing';
    }
}
/** Names the first NUL byte in what is handed to the system, which cannot carry one. */
export function findNulByte(command, args, env, cwd) {
    if (command.includes('\0'))
        return 'the command contains a NUL byte';
    const index = args.findIndex((arg) => arg.includes('\0'));
    if (index >= 0)
        return `argument ${index + 1} contains a NUL byte`;
    if (cwd?.includes('\0'))
        return 'the cwd contains a NUL byte';
    for (const [key, value] of Object.entries(env)) {
        if (key.includes('\0') || value?.includes('\0'))
            return `the environment variable ${JSON.stringify(key)} contains a NUL byte`;
    }
    return undefined;
}
