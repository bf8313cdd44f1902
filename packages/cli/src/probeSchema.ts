// The health probes of a task file (`ready`, `liveness`): their shapes, checked by zod.
import { z } from 'zod';

/** The longest delay a Node timer takes, in ms: the most any duration of the file can be. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration in ms, from `min` to the longest a Node timer takes. */
export const ms = (min: number) => z.number().min(min).max(MAX_TIMER_MS);

const httpUrl = z.string().refine(
  (value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: 'an http:// or https:// URL' },
);

/** `host:port` (an IPv6 address in brackets: `[::1]:5432`). */
export const HOST_PORT = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/;
const hostPort = z.string().refine((value) => {
  const port = Number(HOST_PORT.exec(value)?.[3] ?? 0);
  return port >= 1 && port <= 65_535;
}, 'host:port, with a port from 1 to 65535');

/** The three probes (`ready` and `liveness`), each with the timing keys given. */
function probes<T extends z.core.$ZodLooseShape>(timing: T) {
  return [
    z.strictObject({ http: httpUrl, ...timing }),
    z.strictObject({ tcp: hostPort, ...timing }),
    z.strictObject({ exec: z.string().min(1), ...timing }),
  ] as const;
}

/**
 * A map form of `ready` or `liveness` takes exactly one of `forms`: said plainly here, where the union
 * alone would report a missing key of whichever branch it tried first.
 */
export function oneForm<T extends z.ZodType>(value: T, forms: readonly string[]) {
  return z.preprocess((input, ctx) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const given = forms.filter((key) => Object.hasOwn(input, key));
    if (given.length !== 1) {
      const which = forms.map((f) => `"${f}"`).join(', ');
      const message = given.length === 0 ? `needs one of ${which}` : `takes one of ${which}, not ${given.map((f) => `"${f}"`).join(' and ')} together`;
      ctx.issues.push({ code: 'custom', path: [], message, input, continue: false });
    }
    return input;
  }, value);
}

export const readyProbes = probes({ interval: ms(0).optional(), timeout: ms(1).optional(), deadline: ms(1).optional() });
export const livenessProbes = probes({ interval: ms(0).optional(), timeout: ms(1).optional(), failures: z.number().int().min(1).optional() });

/** A probe of `ready` or `liveness`: exactly one of `http`, `tcp`, `exec`, with its timing keys. */
export type ProbeConfig = z.infer<(typeof readyProbes)[number]> | z.infer<(typeof livenessProbes)[number]>;
export type LivenessConfig = z.infer<(typeof livenessProbes)[number]>;
