import { ControlError, type ControlRequest } from './protocol.js';

const COMMANDS = new Set(['info', 'ps', 'restart', 'start', 'stop', 'logs']);

function names(value: unknown, required: boolean): string[] | undefined {
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) throw new ControlError('bad-request', '"tasks" must be a list of task names');
  if (required && value.length === 0) throw new ControlError('bad-request', '"tasks" must name at least one task');
  return value;
}

/** A request line as JSON (not yet checked); not JSON is a `bad-request` ControlError. */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new ControlError('bad-request', 'not a JSON line');
  }
}

/** A request, checked: anything else is a `bad-request` ControlError saying what is wrong. */
export function parseRequest(value: unknown): ControlRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlError('bad-request', 'a request is a JSON object');
  const request = value as Record<string, unknown>;
  const { command, id } = request;
  if (typeof command !== 'string' || !COMMANDS.has(command)) {
    throw new ControlError('bad-request', `unknown command ${JSON.stringify(command)} (commands: ${[...COMMANDS].join(', ')})`);
  }
  switch (command) {
    case 'info':
    case 'ps':
      return { id, command };
    case 'restart':
    case 'start':
      return { id, command, tasks: names(request.tasks, true)! };
    case 'stop': {
      const tasks = names(request.tasks, false);
      return tasks === undefined ? { id, command } : { id, command, tasks };
    }
    default: {
      const { lines, follow } = request;
      if (lines !== undefined && (typeof lines !== 'number' || !Number.isSafeInteger(lines) || lines < 0)) {
        throw new ControlError('bad-request', '"lines" must be a whole number, 0 or more');
      }
      if (follow !== undefined && typeof follow !== 'boolean') throw new ControlError('bad-request', '"follow" must be true or false');
      return {
        id,
        command: 'logs',
        tasks: names(request.tasks, true)!,
        ...(lines === undefined ? {} : { lines }),
        ...(follow === undefined ? {} : { follow }),
      };
    }
  }
}
