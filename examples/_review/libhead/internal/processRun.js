import { spawn } from 'node:child_process';
import { ProcessError } from '../errors/ProcessError.js';
import { ProcessExitError, ProcessTimeoutError } from '../errors/ProcessExitError.js';
import { diagnoseSpawnFailure, findNulByte } from './diagnoseSpawnFailure.js';
import { feedStdin } from './feedStdin.js';
import { ProcessTree } from './processTree.js';
import { track, untrack } from './registry.js';
import { planStdio } from './stdio.js';
import { TailBuffer } from './tailBuffer.js';
import { isSignalName } from './validateOptions.js';
const STDERR_TAIL_BYTES = 64 * 1024;
const noop = () => undefined;
/**
 * One subscription's process, from spawn to teardown. The teardown is registered on the subscriber before
 * anything is spawned; it is idempotent, emits nothing, removes every listener it added, and hands the
 * process tree to {@link ProcessTree.terminate}, which signals only what is still alive.
 */
export class ProcessRun {
    subscriber;
    spec;
    startedAt = performance.now();
    child;
    tree;
    exitCode = null;
    exitSignal = null;
    exited = false;
    openOutputs = 0;
    ended = false;
    timedOut = false;
    timeoutTimer;
    drainTimer;
    stopStdin = noop;
    signalsSubscription;
    stderrTail = new TailBuffer(STDERR_TAIL_BYTES);
    constructor(subscriber, spec) {
        this.subscriber = subscriber;
        this.spec = spec;
    }
    start() {
        this.subscriber.add(() => this.teardown());
        const { command, args, options } = this.spec;
        const env = buildEnv(options);
        const nul = findNulByte(command, args, env, options.cwd);
        if (nul !== undefined)
            return this.failToStart(Object.assign(new Error(nul), { code: 'ERR_INVALID_ARG_VALUE' }));
        let plan;
        let child;
        try {
            plan = planStdio(options.stdin, options.stdout, options.stderr, options.cwd);
            // detached: the child gets its own session and process group, so the whole tree can be signalled.
            child = spawn(command, args, { cwd: options.cwd, env, stdio: plan.stdio, detached: true, uid: options.uid, gid: options.gid });
        }
        catch (err) {
            // (the finally below closes what was opened)
            return this.failToStart(err);
        }
        finally {
            plan?.close();
        }
        this.child = child;
        // Permanent no-op handlers: an 'error' arriving after teardown (a late EPIPE, a spawn failure the
        // subscriber did not wait for) must never become an uncaught exception in the host.
        child.on('error', noop);
        for (const stream of streamsOf(child))
            stream?.on('error', noop);
        if (child.pid === undefined) {
            child.once('error', this.failToStart);
            return;
        }
        const pid = child.pid;
        this.tree = new ProcessTree(pid, child, options, (tree) => {
            untrack(tree);
            this.releaseOutput();
        });
        track(this.tree);
        child.once('exit', this.onExit);
        child.on('error', this.onChildError);
        this.subscriber.next({ type: 'spawn', pid });
        if (this.ended)
            return;
        this.watchOutput(child.stdout, this.onStdout);
        this.watchOutput(child.stderr, this.onStderr);
        const { stdin, signals, timeout } = options;
        if (child.stdin !== null && stdin !== undefined && stdin !== 'inherit' && stdin !== 'ignore') {
            this.stopStdin = feedStdin(child.stdin, stdin, this.fail);
        }
        this.signalsSubscription = signals?.subscribe({ next: this.sendSignal, error: this.fail });
        if (timeout !== undefined && Number.isFinite(timeout))
            this.timeoutTimer = setTimeout(this.onTimeout, timeout);
    }
    watchOutput(stream, onData) {
        if (stream === null)
            return;
        this.openOutputs++;
        stream.on('data', onData);
        stream.once('close', this.onOutputClosed);
    }
    onStdout = (data) => this.subscriber.next({ type: 'stdout', data });
    onStderr = (data) => {
        this.stderrTail.push(data);
        this.subscriber.next({ type: 'stderr', data });
    };
    onExit = (code, signal) => {
        this.exited = true;
        clearTimeout(this.timeoutTimer);
        this.exitCode = code;
        this.exitSignal = signal;
        if (this.openOutputs === 0)
            return this.finish();
        // Descendants may hold the pipes open long after the child exited: bound the wait for EOF.
        const { drainTimeout } = this.spec.options;
        if (Number.isFinite(drainTimeout))
            this.drainTimer = setTimeout(this.finish, drainTimeout);
    };
    onOutputClosed = () => {
        this.openOutputs--;
        if (this.exited && this.openOutputs === 0)
            this.finish();
    };
    /** The exit was seen and the output read (or the drain wait ran out): report it, then succeed or fail. */
    finish = () => {
        if (this.ended)
            return;
        const pid = this.tree.pid;
        const durationMs = performance.now() - this.startedAt;
        const { exitCode, exitSignal: signal, subscriber, spec } = this;
        subscriber.next({ type: 'exit', pid, exitCode, signal, durationMs });
        if (this.ended)
            return;
        // Settle the tree before the final notification, so that `liveProcessCount()` is already right in
        // the subscriber's complete/error callback.
        this.tree.terminate();
        const details = { command: spec.command, args: spec.args, pid, exitCode, signal, durationMs, stderr: this.stderrTail.toString() };
        if (this.timedOut) {
            const { timeout = 0, killSignal } = spec.options;
            subscriber.error(new ProcessTimeoutError({ ...details, timeoutMs: timeout, killSignal }));
        }
        else if (signal !== null || exitCode === null || !spec.options.successExitCodes.includes(exitCode)) {
            subscriber.error(new ProcessExitError(details));
        }
        else {
            subscriber.complete();
        }
    };
    onTimeout = () => {
        this.timedOut = true;
        this.tree.terminate();
    };
    sendSignal = (signal) => {
        if (isSignalName(signal))
            this.tree.signalLeader(signal);
        else
            this.fail(new TypeError(`signals: the Observable emitted ${String(signal)}; expected a signal name such as 'SIGHUP'`));
    };
    fail = (error) => {
        if (!this.ended)
            this.subscriber.error(error);
    };
    failToStart = (error) => {
        const { command, args, options } = this.spec;
        this.fail(diagnoseSpawnFailure(error, { command, args, cwd: options.cwd, startedAt: this.startedAt }));
    };
    onChildError = (error) => {
        const { command, args } = this.spec;
        const durationMs = performance.now() - this.startedAt;
        this.fail(new ProcessError(`Process error: ${error.message}`, { command, args, pid: this.tree?.pid, durationMs, cause: error }));
    };
    teardown() {
        if (this.ended)
            return;
        this.ended = true;
        clearTimeout(this.timeoutTimer);
        clearTimeout(this.drainTimer);
        this.stopStdin();
        this.signalsSubscription?.unsubscribe();
        const child = this.child;
        if (child !== undefined) {
            child.removeListener('exit', this.onExit);
            child.removeListener('error', this.onChildError);
            child.removeListener('error', this.failToStart);
            for (const stream of [child.stdout, child.stderr]) {
                stream?.removeListener('data', this.onStdout).removeListener('data', this.onStderr);
                stream?.removeListener('close', this.onOutputClosed);
                // Keep reading (and dropping) until the tree is gone: a child that prints while it shuts down
                // on killSignal must not die of SIGPIPE instead.
                stream?.resume();
            }
            child.stdin?.destroy();
            if (this.tree === undefined)
                this.releaseOutput();
        }
        this.tree?.terminate();
    }
    /** Closes the host's ends of the output pipes (once the tree is gone, or when there never was one). */
    releaseOutput() {
        for (const stream of streamsOf(this.child))
            stream?.destroy();
    }
}
function buildEnv({ env, extendEnv }) {
    if (env === undefined)
        return extendEnv ? process.env : {};
    const merged = extendEnv ? { ...process.env, ...env } : { ...env };
    // Node would pass `undefined` on as the string "undefined": undefined means "remove".
    for (const key of Object.keys(merged))
        if (merged[key] === undefined)
            delete merged[key];
    return merged;
}
/** The child's stdio streams; Node leaves `stdio` unset when the spawn failed early (EMFILE, ENFILE). */
function streamsOf(child) {
    return child.stdio ?? [];
}
