/**
 * The defaults of {@link SpawnOptions}, for reference (frozen; options are passed per call).
 *
 * @example
 * ```ts
 * import { SPAWN_DEFAULTS, spawn$ } from 'rxproc';
 *
 * // Give a slow-stopping server twice the default grace before SIGKILL.
 * spawn$('my-server', { killTimeout: SPAWN_DEFAULTS.killTimeout * 2 });
 * ```
 */
export const SPAWN_DEFAULTS = Object.freeze({
    killSignal: 'SIGTERM',
    killTimeout: 5000,
    drainTimeout: 1000,
    extendEnv: true,
    successExitCodes: Object.freeze([0]),
});
