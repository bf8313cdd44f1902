// Turns benchmark results into markdown tables, and puts them into docs/performance.md.
import { readFileSync, writeFileSync } from 'node:fs';

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const si = (x) => (x >= 1e6 ? `${fmt(x / 1e6)} M` : x >= 1e3 ? `${fmt(x / 1e3)} k` : fmt(x));
const time = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const cell = (text) => text.replace(/\|/g, '\\|');

// A paired ratio: the median, and min..max over the rounds (older results hold a plain number).
const ratio = (r) => (r === undefined ? '' : typeof r === 'number' ? `${r.toFixed(2)}×` : `${r.median.toFixed(2)}× (${r.min.toFixed(2)}..${r.max.toFixed(2)})`);

/** One benchmark's results as a markdown table. */
export function renderTable(name, { title, params, unit, baseline, reference, rows }) {
  const extra = reference === undefined ? '' : ` speed vs ${cell(reference)} |`;
  return [
    `### ${name}: ${title} (${JSON.stringify(params)}, ${rows.find((r) => r.rounds)?.rounds} rounds)`,
    '',
    `| implementation | median | min..max | ${unit} | speed vs ${cell(baseline)} |${extra} Node CPU s | peak RSS MB |`,
    `| --- | ---: | ---: | ---: | ---: |${reference === undefined ? '' : ' ---: |'} ---: | ---: |`,
    ...rows.map((r) =>
      r.failed !== undefined
        ? `| ${cell(r.impl)} | failed: ${cell(r.failed)} | | | |${reference === undefined ? '' : ' |'} | |`
        : `| ${cell(r.impl)} | ${time(r.medianMs)} | ${time(r.minMs)}..${time(r.maxMs)} | ${si(r.perSecond)} | ${ratio(r.speed)} |${reference === undefined ? '' : ` ${ratio(r.vsReference)} |`} ${r.cpuS.toFixed(2)} | ${r.peakRssMB.toFixed(0)} |`,
    ),
  ].join('\n');
}

/**
 * Replaces what stands between the markers of `page` (`<!-- bench:start -->`, or `<!-- bench:NAME:start -->`
 * for the one benchmark NAME) with the tables of `report`.
 */
export function writeDocs(page, report, only) {
  const tag = only === undefined ? 'bench' : `bench:${only}`;
  const start = `<!-- ${tag}:start -->`;
  const end = `<!-- ${tag}:end -->`;
  const machine = `Run on ${report.date.slice(0, 10)}: ${report.cpu}, ${report.cores} cores, ${report.memGiB} GiB, Node ${report.node}.`;
  const entries = Object.entries(report.benchmarks).filter(([name]) => only === undefined || name === only);
  const tables = entries.map(([name, entry]) => renderTable(name, entry));
  const text = readFileSync(page, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`${page} has no ${start} … ${end} markers`);
  writeFileSync(page, `${text.slice(0, from)}${start}\n${machine}\n\n${tables.join('\n\n')}\n${text.slice(to)}`);
}
