// The public API of rxproc: re-exports only.

// Processes
export { spawn$ } from './spawn.js';
export { cmd$, type CmdTag, type CmdValue } from './cmd.js';
export { ProcessObservable, type StageSpec } from './processObservable.js';
export { SPAWN_DEFAULTS } from './options.js';
export type { SpawnOptions, StdinOption, OutputOption, FileRedirect } from './options.js';
export type { IpcOptions } from './ipcOptions.js';
export type { Containment, ContainmentOptions, ProcessLimits, ProcessUsage } from './containmentOptions.js';
export type { TtyOptions, TtySize } from './ttyOptions.js';
export type { ResolvedOptions as ResolvedSpawnOptions } from './internal/options/validateOptions.js';
export { liveProcessCount } from './internal/terminate/registry.js';
export { killAllNow } from './killAllNow.js';

// Remote processes
export { REMOTE_DEFAULTS, type RemoteHost } from './remoteHost.js';
export type { ResolvedHost } from './internal/options/resolveHost.js';
export { closeConnections } from './closeConnections.js';

// Events
export type { ProcessEvent, ProcessEventType, SpawnEvent, StdoutEvent, StderrEvent, ExitEvent, RestartEvent, MessageEvent } from './events.js';
export type { ChunkOrEvent } from './internal/io/chunks.js';

// Operators
export { lines, DEFAULT_MAX_LINE_LENGTH, type LinesOptions } from './operators/lines.js';
export { collectOutput, DEFAULT_MAX_BUFFER, type CollectOutputOptions, type CollectedOutput } from './operators/collectOutput.js';
export type { CollectedOutputOf } from './operators/collectOutput.js';
export type { OutputEncoding, Decoded } from './internal/io/encodings.js';
export { pipeTo, type PipeToOptions } from './operators/pipeTo.js';
export { retryOnExit, type RetryOnExitConfig } from './operators/retryOnExit.js';
export { exponentialBackoff, type ExponentialBackoffConfig } from './backoff.js';

// Probes
export { waitForHttp } from './probes/waitForHttp.js';
export { waitForTcp } from './probes/waitForTcp.js';
export { waitForExit } from './probes/waitForExit.js';
export { PROBE_DEFAULTS, type ProbeOptions } from './probes/probeOptions.js';
export type { ProbeSuccess } from './internal/probe/probeLoop.js';

// Backpressure
export { FlowGate, withFlowGate } from './flowGate.js';

// Errors
export { ProcessError, type ProcessErrorDetails } from './errors/ProcessError.js';
export { SpawnError, type SpawnErrorDetails } from './errors/SpawnError.js';
export { ProcessExitError, ProcessTimeoutError, type ProcessExitErrorDetails } from './errors/ProcessExitError.js';
export { OutputLimitError } from './errors/OutputLimitError.js';
export type { OutputSoFar } from './errors/OutputSoFar.js';
export { ConnectionError, type ConnectionErrorDetails } from './errors/ConnectionError.js';
export { ProbeFailedError, type ProbeFailedErrorDetails, type ProbeKind } from './errors/ProbeFailedError.js';
