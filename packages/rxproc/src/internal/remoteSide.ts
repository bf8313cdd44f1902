// The remote side is loaded the first time a process has a `host`: a program that runs only local
// processes never loads (or touches) the remote code. `openRemoteStages.ts` is its one entry point.
type RemoteSide = typeof import('./remote/openRemoteStages.js');

let loading: Promise<RemoteSide> | undefined;

/** The remote side, loading it on first use. */
export function remoteSide(): Promise<RemoteSide> {
  return (loading ??= import('./remote/openRemoteStages.js'));
}

/** The remote side if it was ever asked for, else `undefined` (then it holds no connection either). */
export function remoteSideIfLoaded(): Promise<RemoteSide> | undefined {
  return loading;
}
