// `npm run bench [-- NAME…] [--rounds=N] [--budget=SECONDS] [--NAME.PARAM=VALUE] [--write-docs]`
// Runs each implementation of each benchmark in a fresh Node process, alternating implementations round
// by round (so drift on a noisy machine hits all alike), and prints one table per benchmark: median time,
// min..max, throughput, speed relative to the baseline (baseline time ÷ its time: above 1 is faster), the
// Node process's CPU seconds and peak RSS. Results also go to bench/results/ as JSON.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ALL = ['spawn-seq', 'spawn-par', 'bytes', 'lines', 'pipe', 'pipe-js', 'memory'];
const flags = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !ALL.includes(n));
if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; the benchmarks are ${ALL.join(', ')}`);
const rounds = Number(flags.rounds ?? 3);
const budgetMs = Number(flags.budget ?? 120) * 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, digits = 2) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3)).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m)) || x.toFixed(digits);
const si = (x) => (x >= 1e6 ? `${fmt(x / 1e6)} M` : x >= 1e3 ? `${fmt(x / 1e3)} k` : fmt(x));

function measure(name, impl, params) {
  const result = spawnSync(process.execPath, [join(here, 'worker.mjs'), name, impl, JSON.stringify(params)], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) {
    // A peer that crashes (out of memory, ENOBUFS, …) is a result too: its row says so.
    const why = /^\w*Error[^\n]*|ENOBUFS|heap out of memory/m.exec(String(result.stderr))?.[0] ?? result.error?.message ?? `exit ${result.status}`;
    return { failed: why.slice(0, 80) };
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const report = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), benchmarks: {} };
const tables = [];
for (const name of names.length > 0 ? names : ALL) {
  const { default: benchmark } = await import(`./benchmarks/${name}.mjs`);
  const params = { ...benchmark.params };
  for (const [key, value] of Object.entries(flags)) if (key.startsWith(`${name}.`)) params[key.slice(name.length + 1)] = Number(value);
  const impls = Object.keys(benchmark.impls);
  const runs = Object.fromEntries(impls.map((i) => [i, []]));
  const failures = {};
  const started = Date.now();
  process.stderr.write(`${name} ${JSON.stringify(params)}: `);
  for (let round = 0; round < rounds && (round === 0 || Date.now() - started < budgetMs); round++) {
    const order = impls.map((_, k) => impls[(k + round) % impls.length]);
    for (const impl of order) {
      const result = measure(name, impl, params);
      if (result.failed !== undefined) failures[impl] = result.failed;
      else if (!result.ok) throw new Error(`${name}/${impl}: wrong result (${result.units})`);
      else runs[impl].push(result);
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  const base = median(runs[benchmark.baseline].map((r) => r.ms));
  const rows = impls.map((impl) => {
    if (runs[impl].length === 0) return { impl, failed: failures[impl] ?? 'no run' };
    const ms = runs[impl].map((r) => r.ms);
    const med = median(ms);
    const units = runs[impl][0].units;
    const perSecond = benchmark.unit === 'MB/s' ? units / 2 ** 20 / (med / 1000) : units / (med / 1000);
    return {
      impl, rounds: ms.length, medianMs: med, minMs: Math.min(...ms), maxMs: Math.max(...ms), perSecond,
      speed: base / med, cpuS: median(runs[impl].map((r) => r.cpuMs)) / 1000, peakRssMB: Math.max(...runs[impl].map((r) => r.maxRssMB)),
    };
  });
  report.benchmarks[name] = { title: benchmark.title, params, unit: benchmark.unit, baseline: benchmark.baseline, rows };
  const table = [
    `### ${name}: ${benchmark.title} (${JSON.stringify(params)}, ${rows.find((r) => r.rounds)?.rounds} rounds)`,
    '',
    `| implementation | median | min..max | ${benchmark.unit} | speed vs ${benchmark.baseline} | Node CPU s | peak RSS MB |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      if (r.failed !== undefined) return `| ${r.impl.replace(/\|/g, '\\|')} | failed: ${r.failed} | | | | | |`;
      const t = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
      return `| ${r.impl.replace(/\|/g, '\\|')} | ${t(r.medianMs)} | ${t(r.minMs)}..${t(r.maxMs)} | ${si(r.perSecond)} | ${r.speed.toFixed(2)}× | ${r.cpuS.toFixed(2)} | ${r.peakRssMB.toFixed(0)} |`;
    }),
  ].join('\n');
  tables.push(table);
  console.log(`\n${table}`);
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(here, 'results', `${report.date.slice(0, 19).replace(/:/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);

// --write-docs: put the tables into docs/performance.md, between its markers.
if (flags['write-docs'] !== undefined) {
  const page = join(here, '..', 'docs', 'performance.md');
  const text = readFileSync(page, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const machine = `Run on ${report.date.slice(0, 10)}: ${report.cpu}, ${report.cores} cores, ${report.memGiB} GiB, Node ${report.node}.`;
  const body = `${start}\n${machine}\n\n${tables.join('\n\n')}\n${end}`;
  writeFileSync(page, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), body));
}
