// The PTY package is an optional peer dependency, loaded the first time a process has `tty`: a program that
// never asks for a terminal never loads it (nor needs it installed).
import { SpawnError } from '../../errors/SpawnError.js';
import type { StageSpec } from '../options/stageSpec.js';

/** The package rxproc runs a `tty` process with. */
export const PTY_PACKAGE = '@lydell/node-pty';

/** The part of the PTY package rxproc uses. */
export type PtyModule = Pick<typeof import('@lydell/node-pty'), 'spawn'>;

/**
 * The narrow seam where the package is imported; specs replace `load` to see what a host without the
 * package gets. `loaded` is the module once it was imported.
 */
export const ptyLoader: { load: () => Promise<PtyModule>; loaded: PtyModule | undefined } = {
  load: async () => {
    // A CommonJS package: Node's ESM loader puts it on `default`, a CommonJS build of rxproc gets it whole.
    const module: Partial<PtyModule> & { default?: PtyModule } = await import('@lydell/node-pty');
    return module.default ?? (module as PtyModule);
  },
  loaded: undefined,
};

let loading: Promise<PtyModule> | undefined;

/**
 * The PTY package, importing it on first use. `loading` is kept only while under way: once loaded,
 * `loaded` answers; a failure is tried again next time (it may have been installed by then).
 */
export function loadPty(): Promise<PtyModule> {
  if (ptyLoader.loaded !== undefined) return Promise.resolve(ptyLoader.loaded);
  loading ??= ptyLoader.load().then(
    (module) => {
      loading = undefined;
      if (typeof module?.spawn !== 'function') throw new TypeError(`${PTY_PACKAGE} has no spawn function (an unexpected version?)`);
      return (ptyLoader.loaded = module);
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The error of a `tty` stage whose PTY package could not be loaded: what is missing and what to install. */
export function ptyMissing({ command, args, options }: StageSpec, error: unknown, startedAt: number): SpawnError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'ERR_MODULE_NOT_FOUND';
  const notInstalled = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  const why = notInstalled ? 'is not installed' : `could not be loaded (${error instanceof Error ? error.message : String(error)})`;
  return new SpawnError({
    command,
    args,
    cwd: options.cwd,
    pid: undefined,
    durationMs: performance.now() - startedAt,
    code,
    cause: error,
    reason: `option "tty" needs the optional package ${PTY_PACKAGE}, which ${why}: install it with \`npm install ${PTY_PACKAGE}\``,
  });
}
