import { Subject, tap } from 'rxjs';
import { spawn$, type SpawnOptions } from '../../packages/rxproc/src/index.js';

/**
 * A shell script whose writes to stdout and stderr come in a known order: the script does `read x`
 * between two writes, and the test answers each read only when a piece of output ending in `\n` has been
 * received. So the second write happens after the first was read, whatever the load.
 */
export function lockstep(script: string, options: SpawnOptions = {}) {
  const answers = new Subject<string>();
  return spawn$('sh', ['-c', script], { ...options, stdin: answers }).pipe(
    tap((event) => {
      if ((event.type === 'stdout' || event.type === 'stderr') && event.data[event.data.length - 1] === 0x0a) answers.next('\n');
    }),
  );
}
