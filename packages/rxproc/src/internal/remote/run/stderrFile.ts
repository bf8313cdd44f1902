import { closeSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileRedirect, OutputOption } from '../../../options.js';
import { openRedirect } from '../../local/openRedirect.js';
import { RedirectError, sharedFile } from '../../local/stdio.js';

/**
 * A remote process's stderr redirected to a (local) file. ssh's stderr carries the wrapper's markers, so
 * rxproc reads it and writes the rest to the file itself. Opened before ssh is started, so a file that
 * cannot be opened is a `SpawnError` as it is locally; stdout to the same file shares it as `>f 2>&1`
 * does: both append to one file, truncated once. Relative paths are the host's, never the remote cwd's.
 * The file is opened by `openRedirect`, the local redirects' own code: a FIFO nobody reads is refused
 * (ENXIO) instead of blocking the host, and `noFollow` refuses a symbolic link (ELOOP).
 */
export class StderrFile {
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * Opens the file as local redirects are opened (the same FIFO guard and `noFollow`); returns it with the
   * stdout option to use, or the `RedirectError`.
   */
  static open(stdout: OutputOption, stderr: FileRedirect): { file: StderrFile; stdout: OutputOption } | RedirectError {
    const shared = sharedFile(stdout, stderr, undefined);
    const path = shared?.file ?? resolve(stderr.file);
    try {
      if (shared === undefined) return { file: new StderrFile(openRedirect(path, stderr)), stdout };
      // Two opens of one file (ssh writes stdout, rxproc stderr): truncated once, then both append.
      if (shared.append !== true) closeSync(openRedirect(path, shared));
      const appended = { ...shared, append: true };
      return { file: new StderrFile(openRedirect(path, appended)), stdout: appended };
    } catch (error) {
      return new RedirectError('stderr', path, error as NodeJS.ErrnoException);
    }
  }

  write(data: Buffer): void {
    if (this.fd === undefined) return;
    try {
      for (let done = 0; done < data.length;) done += writeSync(this.fd, data, done);
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
