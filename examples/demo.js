// `npm start`: a tour of rxproc on the project's own files, with real processes.
import { main as output } from './output.js';
import { main as stdin } from './stdin.js';
import { main as cancel } from './cancel.js';
import { main as errors } from './errors.js';
import { main as pipeline } from './pipeline.js';
import { main as collect } from './collect.js';
import { main as supervise } from './supervise.js';
import { liveProcessCount } from 'rxproc';

const sections = [
  ['Output as events', output],
  ['Stdin from an Observable', stdin],
  ['Cancel = kill the whole tree', cancel],
  ['Errors that say what happened', errors],
  ['Pipelines with kernel pipes (pipeTo, lines)', pipeline],
  ['A finished process as one value (collectOutput)', collect],
  ['Respawn with backoff (retryOnExit)', supervise],
];

for (const [title, run] of sections) {
  console.log(`\n== ${title}`);
  await run((line) => console.log(line));
}
console.log(`\nProcesses rxproc still tracks: ${liveProcessCount()}`);
