import { spawnBenchmark } from '../lib/spawners.mjs';

export default spawnBenchmark('spawn-par', 8);
