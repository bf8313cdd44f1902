import type { TaskSnapshot } from '../control/protocol.js';
import { formatBytes, formatCpu, formatDuration } from '../figures.js';

/**
 * `rxproc ps` for people: one aligned row per task (name, state, pid, restarts, uptime, CPU time and
 * memory of its tree now and at its peak). What was not measured (a remote task) shows `-`.
 */
export function psTable(tasks: readonly TaskSnapshot[]): string {
  const rows = [
    ['TASK', 'STATE', 'PID', 'RESTARTS', 'UPTIME', 'CPU', 'MEMORY', 'PEAK'],
    ...tasks.map((task) => [
      task.name,
      task.state === 'failed' || task.state === 'completed' ? `${task.state} (${task.signal ?? `exit ${task.exitCode}`})` : task.state,
      task.pid === null ? '-' : String(task.pid),
      String(task.restarts),
      formatDuration(task.uptimeMs),
      formatCpu(task.cpuMs),
      task.pid === null && task.memoryBytes === 0 ? '-' : formatBytes(task.memoryBytes),
      formatBytes(task.peakMemoryBytes),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  // Figures are right-aligned, words left-aligned.
  const right = new Set([2, 3, 4, 5, 6, 7]);
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
