export { spawn$, ProcessObservable } from './spawn.js';
export { SPAWN_DEFAULTS } from './options.js';
export { ProcessError } from './errors/ProcessError.js';
export { SpawnError } from './errors/SpawnError.js';
export { ProcessExitError, ProcessTimeoutError } from './errors/ProcessExitError.js';
export { liveProcessCount } from './internal/registry.js';
export { lines, DEFAULT_MAX_LINE_LENGTH } from './operators/lines.js';
export { OutputLimitError } from './errors/OutputLimitError.js';
