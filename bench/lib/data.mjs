// Test data for the benchmarks, made once and cached in the temp folder (keyed by size).
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MiB = 1024 * 1024;
const LINE = 'rxproc benchmark line: the quick brown fox jumps over the lazy dog 0123456789\n'; // 80 bytes

/** A file of 80-byte text lines, about `mb` MiB; resolves to { path, lines, bytes }. */
export async function linesFile(mb) {
  const lines = Math.floor((mb * MiB) / LINE.length);
  const bytes = lines * LINE.length;
  const path = join(tmpdir(), `rxproc-bench-${lines}-lines.txt`);
  if (existsSync(path) && statSync(path).size === bytes) return { path, lines, bytes };
  const block = LINE.repeat(8192);
  const out = createWriteStream(`${path}.part`);
  for (let left = lines; left > 0; left -= 8192) {
    const text = left >= 8192 ? block : LINE.repeat(left);
    if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  renameSync(`${path}.part`, path);
  return { path, lines, bytes };
}
