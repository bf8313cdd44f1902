import type { StageSpec } from '../options/stageSpec.js';
import type { ProcessHandle } from '../processHandle.js';
import { LocalHandle } from './localHandle.js';
import { ptyLoader } from './loadPty.js';
import { PtyHandle } from './ptyHandle.js';

/**
 * The handle of a stage that runs on this machine: in a pseudo-terminal with `tty` (the PTY package was
 * loaded before, see `runStages`), else a plain child.
 */
export function localHandleFor(stage: StageSpec, startedAt: number): ProcessHandle {
  if (stage.options.tty === undefined) return new LocalHandle(stage, startedAt);
  const pty = ptyLoader.loaded;
  if (pty === undefined) throw new Error('rxproc: the PTY package must be loaded before a tty stage gets its handle');
  return new PtyHandle(stage, startedAt, pty);
}
