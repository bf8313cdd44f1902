// What several benchmarks do with raw child_process: read a child's output, or pump one into another.
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';

/** A benchmark result from a command's printed count: exact, or the run is wrong. */
export const counted = (stdout, expected) => {
  const units = Number(String(stdout).trim());
  return { units, ok: units === expected };
};

/** Runs a child to the end and resolves to its stdout. */
export function output(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject).on('close', () => resolve(out));
  });
}

/** `cat FILE | COMMAND` through `stream.pipeline` in the host; resolves to COMMAND's stdout. */
export async function pipelineThrough(path, command, args) {
  const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reader = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = output(reader);
  await pipeline(cat.stdout, reader.stdin);
  return out;
}
