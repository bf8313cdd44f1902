// Remote processes: `true` run over ssh on the test sshd (127.0.0.1, spec/fixtures/sshd/setup.sh, needs
// root), one at a time. Shared-connection runs include opening and closing their connection, as a
// program that starts, runs its remote commands and exits would pay it.
import { execFileSync, spawn as rawSpawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { closeConnections, spawn$ } from 'rxproc';
import { runMany } from '../lib/spawners.mjs';

const setup = join(dirname(fileURLToPath(import.meta.url)), '../../spec/fixtures/sshd/setup.sh');

const run = (command, args) =>
  new Promise((resolve, reject) =>
    rawSpawn(command, args, { stdio: 'ignore' })
      .on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: exit ${code}`))))
      .on('error', reject),
  );

export default {
  name: 'remote',
  title: '`true` over ssh ×count, one at a time (loopback sshd)',
  unit: 'processes/s',
  baseline: 'raw ssh, fresh',
  params: { count: 40 },
  prepare: async (params) => {
    const env = Object.fromEntries(
      execFileSync('sh', [setup], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s)),
    );
    return { ...params, host: env.SSH_HOST, configFile: env.SSH_CONFIG, socket: `/tmp/rxproc-bench-${process.pid}` };
  },
  impls: {
    'local spawn$ (reference)': async ({ count }) => ({ units: await runMany(() => lastValueFrom(spawn$('true')), count, 1), ok: true }),
    'raw ssh, fresh': async ({ count, host, configFile }) => ({
      units: await runMany(() => run('ssh', ['-F', configFile, host, 'true']), count, 1),
      ok: true,
    }),
    'raw ssh, ControlMaster': async ({ count, host, configFile, socket }) => {
      const mux = ['-F', configFile, '-o', `ControlPath=${socket}`];
      await run('ssh', [...mux, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=yes', '-f', '-N', host]);
      const units = await runMany(() => run('ssh', [...mux, '-o', 'ControlMaster=no', host, 'true']), count, 1);
      await run('ssh', [...mux, '-O', 'exit', host]);
      return { units, ok: true };
    },
    'rxproc, own connection': async ({ count, host, configFile }) => ({
      units: await runMany(() => lastValueFrom(spawn$('true', [], { host: { host, configFile, multiplex: false } })), count, 1),
      ok: true,
    }),
    'rxproc, shared connection': async ({ count, host, configFile }) => {
      const units = await runMany(() => lastValueFrom(spawn$('true', [], { host: { host, configFile } })), count, 1);
      await closeConnections();
      return { units, ok: true };
    },
  },
};
