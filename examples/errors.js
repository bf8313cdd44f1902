// Errors say what happened: a missing command, a failing one, a timeout. All arrive through `error`.
import { lastValueFrom } from 'rxjs';
import { ProcessExitError, ProcessTimeoutError, SpawnError, spawn$ } from 'rxproc';
import { runIfMain } from './run-main.js';

const attempts = [
  ['a command that does not exist', spawn$('rxproc-demo-no-such-tool', ['--version'])],
  ['grep finding nothing (1 is accepted here)', spawn$('grep', ['TODO-NEVER', 'package.json'], { successExitCodes: [0, 1] })],
  ['grep on a missing file', spawn$('grep', ['x', 'no-such-file.txt'])],
  ['a process killed by a signal', spawn$('sh', ['-c', 'kill -KILL $$'])],
  ['a process over its timeout', spawn$('sleep', ['10'], { timeout: 200 })],
];

export async function main(log) {
  for (const [what, process$] of attempts) {
    log(`- ${what}:`);
    try {
      await lastValueFrom(process$);
      log('    completed');
    } catch (error) {
      const kind =
        error instanceof SpawnError
          ? `SpawnError ${error.code}`
          : error instanceof ProcessTimeoutError
            ? 'ProcessTimeoutError'
            : error instanceof ProcessExitError
              ? `ProcessExitError exitCode=${error.exitCode} signal=${error.signal}`
              : error.name;
      log(`    ${kind}\n    ${error.message.replace(/\n/g, '\n    ')}`);
    }
  }
}

runIfMain(import.meta, main);
