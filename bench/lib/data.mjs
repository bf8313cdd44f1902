// Test data for the benchmarks, made once and cached in the temp folder (keyed by size and kind).
import { createWriteStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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

// Words of log-like text. A line in 16 holds multi-byte UTF-8: half of those one word (an accent, a sign,
// an emoji: 2, 3 and 4 bytes), the other half a whole message in another script (Cyrillic, Chinese,
// Japanese), as logs of a service with users around the world have.
const WORDS =
  'the request from client for user session cache miss took ms GET POST /api/v1/items status 200 404 retry worker id queue job done error warning info debug connected closed timeout bytes sent received ok'.split(
    ' ',
  );
const ACCENTED = ['café', 'naïve', 'Größe', 'été', '€12.50', '→', '✓', '😀', '🚀', 'señor'];
const SCRIPTS = 'доступ запрос пользователь ошибка соединение закрыто 数据库 连接 超时 用户 请求 完成 接続 エラー 日本語 ユーザー'.split(' ');

/** mulberry32: a small seeded PRNG, so the realistic file is the same bytes on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One line of log-like text: lengths vary (mostly 20-160 bytes, an empty line now and then, a line in 64
 * up to a few KiB, as a stack trace or a JSON dump would be), and a line in 16 holds multi-byte UTF-8.
 */
function mixedLine(random) {
  const roll = random();
  if (roll < 0.02) return '';
  const words = roll < 0.02 + 1 / 64 ? 100 + Math.floor(random() * 400) : 3 + Math.floor(random() * random() * 28);
  const wide = random();
  const vocabulary = wide < 1 / 32 ? SCRIPTS : WORDS;
  const parts = [];
  for (let i = 0; i < words; i++) parts.push(vocabulary[Math.floor(random() * vocabulary.length)]);
  if (wide >= 1 / 32 && wide < 1 / 16) parts.splice(Math.floor(random() * parts.length), 0, ACCENTED[Math.floor(random() * ACCENTED.length)]);
  return parts.join(' ');
}

/**
 * A file of realistic text, about `mb` MiB, the same bytes every time (seeded): lines of varied length,
 * a line in 16 with multi-byte UTF-8. Resolves to { path, lines, bytes } (the counts kept beside the file).
 */
export async function mixedLinesFile(mb) {
  const path = join(tmpdir(), `rxproc-bench-mixed-v2-${mb}mb.txt`);
  const meta = `${path}.json`;
  if (existsSync(path) && existsSync(meta)) {
    const known = JSON.parse(readFileSync(meta, 'utf8'));
    if (statSync(path).size === known.bytes) return { path, ...known };
  }
  const random = prng(15);
  const out = createWriteStream(`${path}.part`);
  let lines = 0;
  let bytes = 0;
  while (bytes < mb * MiB) {
    let block = '';
    for (let i = 0; i < 4096; i++) block += `${mixedLine(random)}\n`;
    lines += 4096;
    bytes += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  renameSync(`${path}.part`, path);
  writeFileSync(meta, JSON.stringify({ lines, bytes }));
  return { path, lines, bytes };
}
