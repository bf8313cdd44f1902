import { spawnBenchmark } from '../lib/spawners.mjs';

export default spawnBenchmark('spawn-seq', 1);
