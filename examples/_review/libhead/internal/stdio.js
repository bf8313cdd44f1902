import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
/** A redirect file that could not be opened: the process is not started. */
export class RedirectError extends Error {
    stream;
    path;
    constructor(stream, path, error) {
        super(`cannot open ${path} for ${stream}: ${error.message}`, { cause: error });
        this.stream = stream;
        this.path = path;
        this.code = error.code;
    }
    /** The errno code of the failed open, e.g. `EACCES`. */
    code;
}
/** Opens what the options redirect to; throws {@link RedirectError} when a file cannot be opened. */
export function planStdio(stdin, stdout, stderr, cwd) {
    const fds = new Map();
    const close = () => {
        for (const fd of fds.values())
            closeSync(fd);
        fds.clear();
    };
    const output = (stream, option) => {
        if (typeof option === 'string')
            return option;
        const path = resolve(cwd ?? '.', option.file);
        // stdout and stderr to the same file share one open file (as `>file 2>&1`), not two that overwrite.
        const shared = fds.get(path);
        if (shared !== undefined)
            return shared;
        try {
            const fd = openSync(path, option.append === true ? 'a' : 'w');
            fds.set(path, fd);
            return fd;
        }
        catch (err) {
            close();
            throw new RedirectError(stream, path, err);
        }
    };
    // No stdin option means /dev/null: an immediate EOF, never the host's terminal.
    const input = stdin === 'inherit' ? 'inherit' : stdin === undefined || stdin === 'ignore' ? 'ignore' : 'pipe';
    return { stdio: [input, output('stdout', stdout), output('stderr', stderr)], close };
}
