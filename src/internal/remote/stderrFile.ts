import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OutputOption } from '../../options.js';
import { RedirectError } from '../stdio.js';

/**
 * A remote process's stderr redirected to a (local) file. ssh's stderr carries the helper's markers, so
 * rxproc reads it and writes the rest to the file itself. Opened before ssh is started, so a file that
 * cannot be opened is a `SpawnError` as it is locally; stdout to the same file shares it as `>f 2>&1`
 * does: both append to one file, truncated once. Relative paths are the host's, never the remote cwd's.
 */
export class StderrFile {
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Opens the file; returns it with the stdout option to use, or the `RedirectError`. */
  static open(stdout: OutputOption, stderr: { readonly file: string; readonly append?: boolean }): { file: StderrFile; stdout: OutputOption } | RedirectError {
    const path = resolve(stderr.file);
    try {
      if (typeof stdout === 'object' && resolve(stdout.file) === path) {
        if (stdout.append !== true) closeSync(openSync(path, 'w'));
        return { file: new StderrFile(openSync(path, 'a')), stdout: { file: path, append: true } };
      }
      return { file: new StderrFile(openSync(path, stderr.append === true ? 'a' : 'w')), stdout };
    } catch (error) {
      return new RedirectError('stderr', path, error as NodeJS.ErrnoException);
    }
  }

  write(data: Buffer): void {
    if (this.fd === undefined) return;
    try {
      for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done);
    } catch {
      // A full disk or a revoked file: stop writing, as a process whose stderr write fails would.
      this.close();
    }
  }

  /** Idempotent. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
