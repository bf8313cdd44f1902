export { spawn$, ProcessObservable } from './spawn.js';
export type { ProcessEvent, ProcessEventType, SpawnEvent, StdoutEvent, StderrEvent, ExitEvent } from './events.js';
export { SPAWN_DEFAULTS } from './options.js';
export type { SpawnOptions, StdinOption, OutputOption, FileRedirect } from './options.js';
export { ProcessError, type ProcessErrorDetails } from './errors/ProcessError.js';
export { SpawnError, type SpawnErrorDetails } from './errors/SpawnError.js';
export { ProcessExitError, ProcessTimeoutError, type ProcessExitErrorDetails } from './errors/ProcessExitError.js';
export { liveProcessCount } from './internal/registry.js';
export type { ResolvedOptions as ResolvedSpawnOptions } from './internal/validateOptions.js';
