// `npm run bench [-- NAME…] [--rounds=N] [--budget=SECONDS] [--NAME.PARAM=VALUE] [--write-docs | --docs-only]`
// Runs each implementation of each benchmark in a fresh Node process, alternating implementations round
// by round (so drift on a noisy machine hits all alike), and prints one table per benchmark: median time,
// min..max, throughput, speed relative to the baseline (baseline time ÷ its time in the same round: above 1
// is faster; the median of those paired ratios, and their min..max), the same against the benchmark's
// `reference` implementation when it names one, the Node process's CPU seconds and peak RSS. Results also
// go to bench/results/ as JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderTable, writeDocs } from './lib/report.mjs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ALL = ['spawn-seq', 'spawn-par', 'spawn-heap', 'bytes', 'lines', 'lines-ascii', 'pipe', 'pipe-js', 'memory'];
const flags = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => a.slice(2).split('=')),
);
// Run only when named: `remote` starts the test sshd, which needs root.
const BY_NAME = ['remote'];
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !ALL.includes(n) && !BY_NAME.includes(n));
if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; the benchmarks are ${[...ALL, ...BY_NAME].join(', ')}`);
const rounds = Number(flags.rounds ?? 3);
const budgetMs = Number(flags.budget ?? 120) * 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// `nodeArgs`: the Node options a benchmark's worker needs (spawn-heap's heap limit and gc()).
function measure(name, impl, params, nodeArgs = []) {
  const result = spawnSync(process.execPath, [...nodeArgs, join(here, 'worker.mjs'), name, impl, JSON.stringify(params)], {
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

// --docs-only: render the last results (bench/results/latest.json) into docs/performance.md, run nothing.
if ('docs-only' in flags) {
  const last = JSON.parse(readFileSync(join(here, 'results', 'latest.json'), 'utf8'));
  writeDocs(join(here, '..', 'packages', 'rxproc', 'docs', 'performance.md'), last);
  if (last.benchmarks.remote !== undefined) writeDocs(join(here, '..', 'packages', 'rxproc', 'docs', 'remote.md'), last, 'remote');
  process.exit(0);
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  benchmarks: {},
};
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
      const result = measure(name, impl, params, benchmark.nodeArgs);
      if (result.failed !== undefined) failures[impl] = result.failed;
      else if (!result.ok) throw new Error(`${name}/${impl}: wrong result (${result.units})`);
      else runs[impl].push({ ...result, round });
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  // Paired: each round's ratio, so that drift between rounds (another job starting, say) cancels out.
  const paired = (impl, against) => {
    const ratios = runs[impl].flatMap((r) => runs[against].filter((a) => a.round === r.round).map((a) => a.ms / r.ms));
    return ratios.length === 0 ? undefined : { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const rows = impls.map((impl) => {
    if (runs[impl].length === 0) return { impl, failed: failures[impl] ?? 'no run' };
    const ms = runs[impl].map((r) => r.ms);
    const med = median(ms);
    const units = runs[impl][0].units;
    const perSecond = benchmark.unit === 'MB/s' ? units / 2 ** 20 / (med / 1000) : units / (med / 1000);
    return {
      impl,
      rounds: ms.length,
      medianMs: med,
      minMs: Math.min(...ms),
      maxMs: Math.max(...ms),
      perSecond,
      speed: paired(impl, benchmark.baseline),
      ...(benchmark.reference === undefined ? {} : { vsReference: paired(impl, benchmark.reference) }),
      cpuS: median(runs[impl].map((r) => r.cpuMs)) / 1000,
      peakRssMB: Math.max(...runs[impl].map((r) => r.maxRssMB)),
    };
  });
  const { title, unit, baseline, reference } = benchmark;
  report.benchmarks[name] = { title, date: report.date, params, unit, baseline, reference, rows };
  const table = renderTable(name, report.benchmarks[name]);
  tables.push(table);
  console.log(`\n${table}`);
}
mkdirSync(join(here, 'results'), { recursive: true });
// latest.json keeps the last result of every benchmark: a run of some replaces only theirs.
const latestFile = join(here, 'results', 'latest.json');
const previous = existsSync(latestFile) ? JSON.parse(readFileSync(latestFile, 'utf8')) : { benchmarks: {} };
const latest = { ...report, benchmarks: { ...previous.benchmarks, ...report.benchmarks } };
writeFileSync(latestFile, `${JSON.stringify(latest, null, 2)}\n`);
writeFileSync(join(here, 'results', `${report.date.slice(0, 19).replace(/:/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);

// --write-docs: put the tables into docs/performance.md, between its markers.
if ('write-docs' in flags) {
  writeDocs(join(here, '..', 'packages', 'rxproc', 'docs', 'performance.md'), latest);
  if (latest.benchmarks.remote !== undefined) writeDocs(join(here, '..', 'packages', 'rxproc', 'docs', 'remote.md'), latest, 'remote');
}
