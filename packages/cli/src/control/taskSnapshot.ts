import type { TaskState } from '../taskState.js';
import type { UsageFigures } from '../usageMeter.js';
import type { TaskSnapshot } from './protocol.js';

/** A task as `ps` shows it: its state, current process and what its trees have cost (`usage`, where measured). */
export function taskSnapshot(task: TaskState, usage: UsageFigures | undefined, now = performance.now()): TaskSnapshot {
  const live = (task.status === 'running' || task.status === 'ready') && task.exitSeen !== true;
  const state =
    task.restarting === true
      ? 'restarting'
      : task.held === 'autostart' && task.status === 'waiting'
        ? 'not started'
        : task.awaitingChange === true
          ? 'failed (waiting for a change)'
          : task.status === 'stopped' && !task.runs.isSettled()
            ? 'stopping'
            : task.status === 'running' && task.exitSeen === true
              ? 'restarting'
              : task.status === 'running' && task.isReady && task.config.ready !== undefined
                ? 'ready'
                : task.status;
  return {
    name: task.name,
    state,
    pid: live ? (task.pid ?? null) : null,
    restarts: task.restarts,
    uptimeMs: live && task.spawnedAt !== undefined ? Math.round(now - task.spawnedAt) : null,
    // The runs that ended in a cgroup are counted exactly; the sampled figure covers the one running.
    cpuMs: usage === undefined && task.cgroupCpuMs === undefined ? null : Math.round(Math.max(usage?.cpuMs ?? 0, task.cgroupCpuMs ?? 0)),
    memoryBytes: usage === undefined ? null : usage.memoryBytes,
    // 0: no process of it was ever seen alive by a sample (it lived less than the sampling interval).
    peakMemoryBytes: usage === undefined || usage.peakMemoryBytes === 0 ? null : usage.peakMemoryBytes,
    exitCode: live ? null : task.exitCode,
    signal: live ? null : task.signal,
  };
}
