import { z } from 'zod';
import type { RemoteHost } from 'rxproc';
import { log } from './logSchema.js';
import { livenessProbes, MAX_TIMER_MS, ms, oneForm, readyProbes } from './probeSchema.js';
import { watch } from './watchSchema.js';

export { HOST_PORT, type LivenessConfig, type ProbeConfig } from './probeSchema.js';

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const RESERVED_MESSAGE = 'a name reserved by JavaScript objects ("__proto__", "constructor", "prototype")';

/** A task name: usable in messages, JSON and `dependsOn`. */
const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a task name: a letter or "_", then letters, digits, "_", "." or "-"')
  .refine((value) => value !== 'rxproc', '"rxproc" is the name of rxproc\'s own messages')
  // Tasks are kept in plain objects: a "__proto__" key would set the prototype (the task silently dropped),
  // and "constructor"/"prototype" name what every object already has.
  .refine((value) => !RESERVED.has(value), RESERVED_MESSAGE);

/**
 * A map keyed by task names. zod skips a "__proto__" key without checking it (assigning it would set the
 * prototype), so the task would vanish: it is refused here, before the record sees the map.
 */
function byName<T extends z.ZodType>(value: T) {
  return z.preprocess(
    (input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
        // Reported as zod reports any other bad key: the same message and line as "constructor".
        ctx.issues.push({
          code: 'invalid_key',
          origin: 'record',
          path: ['__proto__'],
          input: '__proto__',
          issues: [{ code: 'custom', path: [], message: RESERVED_MESSAGE, input: '__proto__' }],
        });
      }
      return input;
    },
    z.record(name, value),
  );
}

/** One process: a program and its arguments, or a shell line. */
const command = {
  cmd: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  sh: z.string().min(1).optional(),
};

/** Run on a map even when its other keys have problems, so that every problem of a task is told at once. */
const alongsideOtherProblems = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};

function oneCommand(value: { cmd?: string; sh?: string; args?: string[] }, ctx: z.RefinementCtx): void {
  if ((value.cmd === undefined) === (value.sh === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'needs exactly one of "cmd" (with "args") or "sh"' });
  } else if (value.sh !== undefined && value.args !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['args'], message: '"args" goes with "cmd", not with "sh"' });
  }
}

/**
 * Where a process runs: a host for ssh, or its settings (the library's RemoteHost). Only the shape is
 * checked here: the values are checked by the library itself (`spawn$` is called with each task's options
 * when the file is loaded, see checkTaskOptions.ts). `sshPath` is the one setting a task file cannot choose.
 */
const host = z.union([
  z.string(),
  z
    .record(z.string(), z.unknown())
    .superRefine((settings, ctx) => {
      if (Object.hasOwn(settings, 'sshPath')) ctx.addIssue({ code: 'custom', path: ['sshPath'], message: 'cannot be set in a task file' });
    })
    .transform((settings) => settings as unknown as RemoteHost),
]);

/** A task's terminal has one output: there is no stdout to hand to a `pipe` stage (the library refuses it too). */
function ttyAlone(value: { tty?: boolean; pipe?: unknown }, ctx: z.RefinementCtx): void {
  if (value.tty === true && value.pipe !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['tty'], message: 'cannot be used with "pipe": a terminal has one output, and no pipe to hand to the next process' });
  }
}

const stage = z
  .strictObject({ ...command, host: host.optional(), from: z.enum(['stdout', 'stderr', 'all']).optional() })
  .superRefine(oneCommand, alongsideOtherProblems);

/** A JavaScript regular expression; when it is not one, the message says why, in the engine's words. */
const regex = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    // "Invalid regular expression: /(/: Unterminated group" → "Unterminated group"
    const why = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${why}` });
  }
});

/** Env files to read, a path or a list of them, relative to the task file (see taskEnvironment.ts). */
const envFile = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const restartWhen = z.enum(['never', 'on-failure', 'always']);

const task = z
  .strictObject({
    ...command,
    host: host.optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string().regex(/^[^=\0]+$/, 'a variable name (not empty, no "=")'), z.string()).optional(),
    envFile: envFile.optional(),
    pipe: z.array(stage).min(1).optional(),
    restart: z
      .union([
        restartWhen,
        z.strictObject({
          when: restartWhen.default('on-failure'),
          count: z.number().int().min(0).optional(),
          delay: z.number().min(0).max(MAX_TIMER_MS).optional(),
          backoff: z.number().min(1).optional(),
          maxDelay: z.number().min(0).max(MAX_TIMER_MS).optional(),
          resetAfter: z.number().min(0).max(MAX_TIMER_MS).optional(),
        }),
      ])
      .optional(),
    ready: oneForm(z.union([regex, z.strictObject({ pattern: regex, deadline: ms(1).optional() }), z.strictObject({ delay: ms(0) }), ...readyProbes]), [
      'pattern',
      'delay',
      'http',
      'tcp',
      'exec',
    ]).optional(),
    liveness: oneForm(z.union(livenessProbes), ['http', 'tcp', 'exec']).optional(),
    dependsOn: z.union([z.array(name), byName(z.enum(['ready', 'completed']))]).optional(),
    killSignal: z.enum(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2']).optional(),
    killTimeout: z.number().min(0).max(MAX_TIMER_MS).optional(),
    stop: z.strictObject(command).superRefine(oneCommand).optional(),
    log: log.optional(),
    tty: z.boolean().optional(),
    autostart: z.boolean().optional(),
    // The values are the library's to check (checkTaskOptions calls spawn$ with them).
    containment: z.enum(['auto', 'cgroup', 'group']).optional(),
    limits: z.strictObject({ memoryBytes: z.number().optional(), pids: z.number().optional(), cpu: z.number().optional() }).optional(),
    watch: watch.optional(),
  })
  .superRefine(oneCommand, alongsideOtherProblems)
  .superRefine(ttyAlone, alongsideOtherProblems)
  .superRefine((value, ctx) => {
    // liveness kills through the library's `signals`, which a remote process does not take.
    if (value.liveness !== undefined && value.host !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['liveness'], message: 'not available for a task with "host" (only for a process on this machine)' });
    }
  });

/** The shape of `rxproc.yaml` / `rxproc.json`. */
export const taskFileSchema = z
  .strictObject({
    tasks: byName(task).refine((tasks) => Object.keys(tasks).length > 0, 'at least one task'),
    until: name.optional(),
    logDir: z.string().min(1).optional(),
    dotenv: z.boolean().optional(),
    envFile: envFile.optional(),
  })
  .superRefine((file, ctx) => {
    for (const [name, config] of Object.entries(file.tasks)) {
      if (typeof config.log === 'object' && config.log.file === undefined && file.logDir === undefined) {
        ctx.addIssue({ code: 'custom', path: ['tasks', name, 'log', 'file'], message: 'needs a "file" (or a top-level "logDir")' });
      }
    }
  });

export type TaskFile = z.infer<typeof taskFileSchema>;
export type TaskConfig = TaskFile['tasks'][string];
export type StageConfig = z.infer<typeof stage>;
