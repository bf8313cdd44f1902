import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// Runs a program against the build with a module hook that logs every module Node loads.
function modulesLoadedBy(body: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rxproc-loads-'));
  try {
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(log, '');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
    );
    const library = pathToFileURL(resolve(__dirname, '../../packages/rxproc/dist/index.js')).href;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(pathToFileURL(hooks).href)});
      const rxproc = await import(${JSON.stringify(library)});
      const { lastValueFrom } = await import('rxjs');
      ${body}`;
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.includes('/packages/rxproc/dist/'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the remote side is loaded on first use', () => {
  it('a program that runs only local processes (a pipeline, closeConnections included) never loads the remote code', () => {
    const loaded = modulesLoadedBy(`
      await lastValueFrom(rxproc.spawn$('echo', ['hi']).pipe(rxproc.pipeTo('cat'), rxproc.collectOutput()));
      await rxproc.closeConnections();`);
    expect(loaded.some((url) => url.endsWith('/internal/run/processRun.js'))).to.equal(true);
    expect(loaded.filter((url) => url.includes('/internal/remote/'))).to.deep.equal([]);
  });

  it('a process with a host loads it (the check above can fail)', () => {
    const loaded = modulesLoadedBy(`
      await lastValueFrom(rxproc.spawn$('true', [], { host: { host: 'nowhere', sshPath: '/nonexistent/ssh' } })).catch(() => undefined);`);
    expect(loaded.some((url) => url.endsWith('/internal/remote/openRemoteStages.js'))).to.equal(true);
  });
});
