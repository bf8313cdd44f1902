#!/usr/bin/env node
// The `rxproc` command: runs a task file (`rxproc run [FILE]`) or commands given inline (`rxproc 'a' 'b'`).
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { colourEnv } from './colourEnv.js';
import { addControlCommands } from './commands/controlCommands.js';
import { AnotherRunError } from './control/claimSocket.js';
import { controlHandler } from './control/controlHandler.js';
import { controlSocketPath } from './control/controlPath.js';
import { ControlServer } from './control/controlServer.js';
import { findTaskFile, loadTaskFile, TaskFileError } from './loadTaskFile.js';
import { LogBook } from './logBook.js';
import { colorWanted, Reporter } from './reporter.js';
import type { TaskFile } from './schema.js';
import { Supervisor } from './supervisor.js';
import { UsageMeter } from './usageMeter.js';

interface GlobalOptions {
  readonly json?: boolean;
}

/** The package's version, read next to the installed bin (which may be reached through a symlink). */
function version(): string {
  const pkg = resolve(dirname(realpathSync(process.argv[1]!)), '../package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** Inline commands become tasks named after their first word (`npm`, `npm-2`, …), each run by `sh -c`. */
function inlineTasks(commands: readonly string[]): TaskFile {
  const tasks: TaskFile['tasks'] = {};
  for (const command of commands) {
    const base = (/^[A-Za-z0-9_.-]+/.exec(command.trim().split(/\s+/)[0]!.split('/').pop()!)?.[0] ?? 'task').slice(0, 20);
    let name = base;
    if (!/^[A-Za-z_]/.test(name) || name === 'rxproc') name = `task-${name}`;
    for (let n = 2; Object.hasOwn(tasks, name); n++) name = `${base}-${n}`;
    tasks[name] = { sh: command };
  }
  return { tasks };
}

/** Where the run is, for its control socket and for `info`: the task file's folder (the working folder for inline commands). */
interface RunPlace {
  readonly folder: string;
  readonly file: string;
}

async function run(file: TaskFile, place: RunPlace, options: GlobalOptions): Promise<never> {
  const baseDir = place.folder;
  let waitingForDrain = false;
  // While the reader of our output is slower than the tasks, the tasks are held back (bounded memory).
  const out = (text: string): void => {
    if (process.stdout.write(text) || waitingForDrain) return;
    waitingForDrain = true;
    supervisor.gate.pause();
    process.stdout.once('drain', () => {
      waitingForDrain = false;
      supervisor.gate.resume();
    });
  };
  const book = new LogBook();
  const reporter = new Reporter(Object.keys(file.tasks), options.json === true, colorWanted(process.env, process.stdout.isTTY === true), out, book);
  const isTTY = process.stdout.isTTY === true;
  // The same test as rxproc's own colours, and the terminal's depth: what the tasks are told (colourEnv.ts).
  const depth = isTTY ? process.stdout.getColorDepth() : 1;
  const meter = new UsageMeter();
  const supervisor = new Supervisor(file, baseDir, reporter, colourEnv(process.env, isTTY, depth, options.json === true), meter);
  // The control socket first: a second run in this folder is refused before anything starts.
  let control: ControlServer | undefined;
  try {
    control = await ControlServer.listen(controlSocketPath(place.folder), place.folder, controlHandler({ supervisor, reporter, book, meter, ...place }));
  } catch (error) {
    if (error instanceof AnotherRunError) {
      process.stderr.write(`rxproc: ${error.message}\n`);
      process.exit(2);
    }
    // Any other reason (an unsafe control folder, no room): the run goes on, without its control commands.
    reporter.info(`no control socket (${(error as Error).message}): rxproc ps, stop and the other commands cannot reach this run`);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = 128 + (signal === 'SIGINT' ? 2 : 15);
    if (++signals > 1) return supervisor.killNow(code);
    if (!supervisor.stop(code, `${signal}: stopping every task (again to kill at once)`)) reporter.info(`${signal}: already stopping (again to kill at once)`);
  };
  // Our output cannot be written any more (\`rxproc … | head\`, a full disk): stop the tasks, quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    reporter.mute();
    supervisor.gate.resume();
    supervisor.stop(error.code === 'EPIPE' ? 141 : 1, 'output closed');
  });
  // Our own handlers: rxproc decides how to stop, and signal-exit then leaves the exit to us.
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const stopSampling = meter.start();
  const code = await supervisor.run();
  stopSampling();
  await control?.close();
  // Exit once what was printed has been written (a pipe may lag behind).
  process.stdout.write('', () => process.exit(code));
  return new Promise<never>(() => undefined);
}

const program = new Command('rxproc')
  .description('Run processes together: pipelines, readiness, restarts, one clean shutdown.')
  .version(version(), '-v, --version')
  .option('--json', 'print one JSON event per line instead of prefixed text')
  .argument('[commands...]', 'commands to run together, each through sh -c')
  .showHelpAfterError()
  // Bad usage (an unknown option, a missing argument) exits 2, as task file errors do; help and version 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async (commands: string[], options: GlobalOptions) => {
    if (commands.length === 0) program.help({ error: true });
    await run(inlineTasks(commands), { folder: process.cwd(), file: 'inline commands' }, options);
  });

program
  .command('run')
  .description('run the tasks of a file (default: rxproc.yaml, then rxproc.yml, then rxproc.json)')
  .argument('[file]', 'the task file, YAML or JSON')
  .option('--json', 'print one JSON event per line instead of prefixed text')
  .action(async (file: string | undefined, options: GlobalOptions) => {
    try {
      const path = findTaskFile(file, process.cwd());
      await run(loadTaskFile(path), { folder: dirname(path), file: path }, { ...program.opts<GlobalOptions>(), ...options });
    } catch (error) {
      if (!(error instanceof TaskFileError)) throw error;
      process.stderr.write(`rxproc: ${error.message}\n`);
      process.exit(2);
    }
  });

addControlCommands(program);

/**
 * `rxproc [--json] -- CMD…`: every word after `--` is a command to run, even one named like a subcommand
 * (`rxproc -- ps stop`); commander alone would take `ps` for its subcommand.
 */
function afterDashes(args: readonly string[]): Promise<unknown> | undefined {
  const dashes = args.indexOf('--');
  const before = args.slice(0, dashes);
  if (dashes === -1 || !before.every((arg) => arg === '--json')) return undefined;
  if (dashes === args.length - 1) program.help({ error: true });
  return run(inlineTasks(args.slice(dashes + 1)), { folder: process.cwd(), file: 'inline commands' }, { json: before.length > 0 });
}

(afterDashes(process.argv.slice(2)) ?? program.parseAsync()).catch((error: unknown) => {
  process.stderr.write(`rxproc: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
