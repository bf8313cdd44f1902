// A task's log file (`log`) as the task file gives it, checked by zod.
import { z } from 'zod';

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?\s*$/i;
/** A size in bytes: a whole number, or a string such as "10MB", "512KB", "1.5G" (binary units: 1 KB = 1024 bytes). */
const size = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = typeof value === 'string' ? SIZE.exec(value) : undefined;
  const bytes = match === undefined ? value : match === null ? NaN : Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? '').toLowerCase()]!);
  if (Number.isSafeInteger(bytes) && (bytes as number) >= 1) return bytes as number;
  ctx.addIssue({
    code: 'custom',
    message: `a size: bytes (a whole number, at least 1), or a number with B, KB, MB or GB ("10MB"), got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

/** A task's log file: a path, or a path with its rotation (the path may be left to the top-level `logDir`). */
export const log = z.union([
  z.string().min(1),
  z.strictObject({ file: z.string().min(1).optional(), maxSize: size.optional(), keep: z.number().int().min(0).max(1000).optional() }),
]);
