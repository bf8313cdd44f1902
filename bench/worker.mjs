// Runs one implementation of one benchmark once, in a fresh Node process, and prints one JSON line:
// { ms, cpuMs, maxRssMB, units, ok }. Usage: node bench/worker.mjs BENCHMARK IMPLEMENTATION PARAMS_JSON
// `prepare` learns the implementation too (a benchmark may set the process up differently for each, as
// spawn-heap fills the heap for some); `cleanup`, when a benchmark has one, runs after the clock stops.
const [name, impl, paramsJson] = process.argv.slice(2);
const { default: benchmark } = await import(`./benchmarks/${name}.mjs`);
const params = { ...benchmark.params, ...JSON.parse(paramsJson ?? '{}') };
const context = await benchmark.prepare(params, impl);
const run = benchmark.impls[impl];
if (run === undefined) throw new Error(`no implementation ${impl} in ${name}`);
const cpu = process.cpuUsage();
const started = performance.now();
const { units, ok } = await run(context);
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
const maxRssMB = process.resourceUsage().maxRSS / 1024;
await benchmark.cleanup?.(context);
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, maxRssMB, units, ok })}\n`);
process.exit(0);
