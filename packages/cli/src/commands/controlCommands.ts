import { InvalidArgumentError, type Command } from 'commander';
import { controlRequest, NoRunError, RefusedError, type ControlAnswer } from '../control/controlClient.js';
import { ControlPathError } from '../control/controlPath.js';
import { DEFAULT_LOG_LINES } from '../control/controlHandler.js';
import type { ControlRequest, LogEntry, TaskSnapshot } from '../control/protocol.js';
import { TaskFileError } from '../loadTaskFile.js';
import { colorWanted, Reporter } from '../reporter.js';
import { findRun } from './findRun.js';
import { psTable } from './psTable.js';

interface CommandOptions {
  readonly file?: string;
  readonly json?: boolean;
  readonly follow?: boolean;
  readonly lines?: number;
}

/** Exit codes of the commands that talk to a run (docs/cli.md). */
export const EXIT = { ok: 0, refused: 1, usage: 2, noRun: 3 } as const;

const print = (text: string): boolean => process.stdout.write(text);

/** Sends the request to the run found for `options.file` (or the working folder); prints what goes wrong, with its exit code. */
async function ask(request: ControlRequest, options: CommandOptions, onAnswer?: (answer: ControlAnswer) => void): Promise<ControlAnswer> {
  try {
    const run = findRun(options.file);
    return await controlRequest(run.socket, request, run.folder, onAnswer);
  } catch (error) {
    const code =
      error instanceof NoRunError
        ? EXIT.noRun
        : error instanceof RefusedError
          ? EXIT.refused
          : error instanceof TaskFileError || error instanceof ControlPathError
            ? EXIT.usage
            : 1;
    process.stderr.write(`rxproc: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(code);
  }
}

async function logsCommand(asked: string[], options: CommandOptions): Promise<unknown> {
  // The run's task names, in its order: the prefixes and colours are the run's (no task named: all of them).
  const all = (await ask({ command: 'info' }, options)).tasks as string[];
  const names = asked.length > 0 ? asked : all;
  const reporter = new Reporter(all, options.json === true, colorWanted(process.env, process.stdout.isTTY === true), print);
  process.stdout.on('error', () => process.exit(0));
  const show = (answer: ControlAnswer): void => {
    const entry = answer.entry as LogEntry;
    if (entry.kind === 'line') reporter.line(entry.task, entry.stream, entry.line, entry.pid);
    else reporter.event(entry.task, entry.event, entry.details, entry.text);
  };
  const lines = options.lines ?? DEFAULT_LOG_LINES;
  return ask({ command: 'logs', tasks: names, lines, follow: options.follow === true }, options, show);
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a number of lines, 0 or more');
  return Number(value);
}

/**
 * The commands that talk to a running `rxproc run` through its control socket: ps, restart, stop, start,
 * logs. Each finds the run of the working folder (or of `--file`'s folder).
 */
export function addControlCommands(program: Command): void {
  // `--json` is also the program's own option, which commander takes wherever it is written.
  const withGlobal = (options: CommandOptions): CommandOptions => ({ ...program.opts<CommandOptions>(), ...options });
  const fileOption = ['--file <file>', 'the run of this task file (default: the working folder, or the nearest folder above it with a run)'] as const;
  program
    .command('ps')
    .description('show the tasks of the run: state, pid, restarts, uptime, CPU time and memory')
    .option(...fileOption)
    .option('--json', 'print the tasks as JSON')
    .action(async (given: CommandOptions) => {
      const options = withGlobal(given);
      const answer = await ask({ command: 'ps' }, options);
      const tasks = answer.tasks as TaskSnapshot[];
      print(options.json === true ? `${JSON.stringify(tasks, null, 2)}\n` : psTable(tasks));
    });
  program
    .command('restart')
    .description('restart tasks, and then the tasks that depend on them once they are ready again')
    .argument('<task...>')
    .option(...fileOption)
    .action(async (names: string[], options: CommandOptions) => {
      const answer = await ask({ command: 'restart', tasks: names }, options);
      const restarted = answer.restarted as string[];
      print(restarted.length === 0 ? `already restarting: ${names.join(', ')}\n` : `restarted: ${restarted.join(', ')}\n`);
    });
  program
    .command('stop')
    .description('stop tasks (they stay stopped until "rxproc start"), or with no task the whole run, in order')
    .argument('[task...]')
    .option(...fileOption)
    .action(async (names: string[], options: CommandOptions) => {
      const answer = await ask(names.length === 0 ? { command: 'stop' } : { command: 'stop', tasks: names }, options);
      if (names.length === 0) return void print(`stopped the run (exit code ${String(answer.exitCode)})\n`);
      const { stopped, notRunning } = answer as unknown as { stopped: string[]; notRunning: string[] };
      if (stopped.length > 0) print(`stopped: ${stopped.join(', ')}\n`);
      if (notRunning.length > 0) print(`not running: ${notRunning.join(', ')}\n`);
    });
  program
    .command('start')
    .description('start stopped tasks, tasks declared "autostart: false", or ended tasks again (with the held tasks they depend on)')
    .argument('<task...>')
    .option(...fileOption)
    .action(async (names: string[], options: CommandOptions) => {
      const answer = await ask({ command: 'start', tasks: names }, options);
      print(`started: ${(answer.started as string[]).join(', ')}\n`);
    });
  program
    .command('logs')
    .description('show the recent lines of tasks (default: every task; the run keeps the last 1000 of each), and follow them with -f')
    .argument('[task...]')
    .option('-f, --follow', 'keep printing new lines until the run ends (Ctrl-C to leave)')
    .option('-n, --lines <count>', `how many recent lines (default ${DEFAULT_LOG_LINES})`, count)
    .option(...fileOption)
    .option('--json', 'print the records of --json runs')
    .action(async (names: string[], options: CommandOptions) => {
      await logsCommand(names, withGlobal(options));
    });
}
