import type { ResolvedHost } from '../options/resolveHost.js';

/**
 * The ssh options every connection gets, after the user's (ssh keeps the first value it reads for an
 * option, so `sshOptions` may override these, but not the ones rxproc's transport relies on).
 */
function baseArgs(host: ResolvedHost): string[] {
  const args: string[] = [];
  if (host.configFile !== undefined) args.push('-F', host.configFile);
  // -T: no pty, which would merge stderr into stdout and translate bytes. -e none: stdin is binary-safe.
  // -x -a: no X11 or agent forwarding. BatchMode: never prompt, there is nobody to answer.
  args.push('-T', '-x', '-a', '-e', 'none', '-o', 'BatchMode=yes');
  if (host.user !== undefined) args.push('-l', host.user);
  if (host.port !== undefined) args.push('-p', String(host.port));
  if (host.identityFile !== undefined) args.push('-i', host.identityFile);
  for (const [name, value] of Object.entries(host.sshOptions)) args.push('-o', `${name}=${value}`);
  args.push('-o', `ConnectTimeout=${Math.max(1, Math.ceil(host.connectTimeout / 1000))}`);
  // A peer that vanished without a FIN (a partition, a dead host) is noticed after about 45 s.
  args.push('-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3');
  return args;
}

/** ssh's arguments for one process: through the shared connection at `controlPath`, or on its own one. */
export function processArgs(host: ResolvedHost, controlPath: string | undefined, remoteCommand: string): string[] {
  const control = ['-o', 'ControlMaster=no', '-o', `ControlPath=${controlPath ?? 'none'}`];
  return [...control, ...baseArgs(host), '--', host.host, remoteCommand];
}

/** ssh's arguments for a shared connection (a ControlMaster that runs no command), listening on `controlPath`. */
export function masterArgs(host: ResolvedHost, controlPath: string): string[] {
  const control = ['-o', 'ControlMaster=yes', '-o', `ControlPath=${controlPath}`, '-o', 'ControlPersist=no'];
  return [...control, '-N', ...baseArgs(host), '--', host.host];
}
