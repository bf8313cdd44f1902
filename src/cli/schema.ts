import { z } from 'zod';

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
  return z.preprocess((input, ctx) => {
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
  }, z.record(name, value));
}

/** One process: a program and its arguments, or a shell line. */
const command = {
  cmd: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  sh: z.string().min(1).optional(),
};

function oneCommand(value: { cmd?: string; sh?: string; args?: string[] }, ctx: z.RefinementCtx): void {
  if ((value.cmd === undefined) === (value.sh === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'needs exactly one of "cmd" (with "args") or "sh"' });
  } else if (value.sh !== undefined && value.args !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['args'], message: '"args" goes with "cmd", not with "sh"' });
  }
}

/** Where a process runs: a host for ssh, or its settings (the library's RemoteHost, minus sshPath). */
const destination = z.string().regex(/^[^\s\-][^\s]*$/, 'an ssh destination (no spaces, not starting with "-")');
const host = z.union([
  destination,
  z.strictObject({
    host: destination,
    user: destination.optional(),
    port: z.number().int().min(1).max(65535).optional(),
    identityFile: destination.optional(),
    configFile: destination.optional(),
    sshOptions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    multiplex: z.boolean().optional(),
    maxSessions: z.number().int().min(1).max(1000).optional(),
    maxConnections: z.number().int().min(1).max(1000).optional(),
    keepAlive: z.number().min(0).max(2 ** 31 - 1).optional(),
    connectTimeout: z.number().min(0).max(2 ** 31 - 1).optional(),
    wrapper: z.enum(['auto', 'perl', 'sh']).optional(),
  }),
]);

const stage = z.strictObject({ ...command, host: host.optional() }).superRefine(oneCommand);

const regex = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a valid regular expression' },
);

const restartWhen = z.enum(['never', 'on-failure', 'always']);

const task = z
  .strictObject({
    ...command,
    host: host.optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string().regex(/^[^=\0]+$/, 'a variable name (not empty, no "=")'), z.string()).optional(),
    pipe: z.array(stage).min(1).optional(),
    restart: z
      .union([
        restartWhen,
        z.strictObject({
          when: restartWhen.default('on-failure'),
          count: z.number().int().min(0).optional(),
          delay: z.number().min(0).max(2 ** 31 - 1).optional(),
          backoff: z.number().min(1).optional(),
          maxDelay: z.number().min(0).max(2 ** 31 - 1).optional(),
          resetAfter: z.number().min(0).max(2 ** 31 - 1).optional(),
        }),
      ])
      .optional(),
    ready: z.union([regex, z.strictObject({ pattern: regex }), z.strictObject({ delay: z.number().min(0).max(2 ** 31 - 1) })]).optional(),
    dependsOn: z.union([z.array(name), byName(z.enum(['ready', 'completed']))]).optional(),
    killSignal: z.enum(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2']).optional(),
    killTimeout: z.number().min(0).max(2 ** 31 - 1).optional(),
  })
  .superRefine(oneCommand)
  .superRefine((value, ctx) => {
    // On a remote host the variables are exported by sh: only names it can assign.
    if (value.host === undefined) return;
    for (const key of Object.keys(value.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) ctx.addIssue({ code: 'custom', path: ['env', key], message: 'a variable name a remote shell can export (letters, digits, _)' });
    }
  });

/** The shape of `rxproc.yaml` / `rxproc.json`. */
export const taskFileSchema = z.strictObject({
  tasks: byName(task).refine((tasks) => Object.keys(tasks).length > 0, 'at least one task'),
  until: name.optional(),
});

export type TaskFile = z.infer<typeof taskFileSchema>;
export type TaskConfig = TaskFile['tasks'][string];
export type StageConfig = z.infer<typeof stage>;
