#!/usr/bin/env node
// Proves the rxproc-over-ssh prototype against the throwaway sshd of setup-sshd.sh (run here; idempotent).
// Plain Node 20, no dependencies. Must run as root on the sshd's machine: the "remote" processes are
// inspected through the local /proc (loopback), and the login-shell tests change the test user's shell.
//   node test.mjs            # everything; writes results.json beside this file
//   ONLY=kill node test.mjs  # tests whose name contains "kill"
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, rmSync, mkdirSync, symlinkSync, existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { runRemote, buildRemoteCommand, sshArgv, MarkerParser, newNonce } from './rxssh.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha = (b) => createHash('sha256').update(b).digest('hex');
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const r1 = (x) => Math.round(x * 10) / 10;

// --- the sshd ---------------------------------------------------------------------------------------
const t0 = performance.now();
const envText = execFileSync('sh', [HERE + 'setup-sshd.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const E = Object.fromEntries(envText.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
console.log(`sshd: port ${E.SSH_PORT}, user ${E.SSH_USER}, config ${E.SSH_CONFIG} (setup ${Math.round(performance.now() - t0)} ms)`);
const CFG = E.SSH_CONFIG, HOST = E.SSH_HOST, USER = E.SSH_USER;
const UID = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
const CP = `${E.SSHD_DIR}/cm-%C`; // %C: a hash, keeps the socket path short (sun_path is 108 bytes)
const MUX = ['-o', 'ControlMaster=no', '-o', `ControlPath=${CP}`];
const direct = { configFile: CFG, host: HOST };
const viaMaster = { configFile: CFG, host: HOST, options: MUX };

// --- process table (loopback: the remote host is this machine) --------------------------------------
function procs() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat, status;
    try { stat = readFileSync(`/proc/${name}/stat`, 'latin1'); status = readFileSync(`/proc/${name}/status`, 'latin1'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    out.push({ pid: Number(name), state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), uid, comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
  }
  return out;
}
const live = (p) => p.state !== 'Z' && p.state !== 'X';
const liveGroup = (pgid) => procs().filter((p) => p.pgid === pgid && live(p));
const alive = (pids) => { const s = new Set(procs().filter(live).map((p) => p.pid)); return pids.filter((p) => s.has(p)); };
async function waitUntil(pred, timeoutMs, step = 10) {
  const start = performance.now();
  for (;;) {
    if (await pred()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) return null;
    await sleep(step);
  }
}

// --- harness ----------------------------------------------------------------------------------------
const results = [];
const only = process.env.ONLY;
async function test(name, fn) {
  if (only && !name.includes(only)) return;
  const start = performance.now();
  try {
    const info = await Promise.race([fn(), sleep(90_000).then(() => { throw new Error('test timed out (90 s)'); })]);
    results.push({ name, ok: true, ms: Math.round(performance.now() - start), info });
    console.log(`ok   ${name}${info ? ` — ${typeof info === 'string' ? info : JSON.stringify(info)}` : ''}`);
  } catch (e) {
    results.push({ name, ok: false, ms: Math.round(performance.now() - start), error: String(e?.stack ?? e) });
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}
const run = (argv, o = {}) => runRemote({ sshOptions: direct, argv, ...o });

function startMaster(path = CP) {
  execFileSync('ssh', ['-F', CFG, '-o', 'ControlMaster=yes', '-o', `ControlPath=${path}`, '-o', 'ControlPersist=300', '-N', '-f', HOST], { stdio: 'ignore' });
  execFileSync('ssh', ['-F', CFG, '-o', `ControlPath=${path}`, '-O', 'check', HOST], { stdio: 'ignore' });
}
function stopMaster(path = CP) {
  try { execFileSync('ssh', ['-F', CFG, '-o', `ControlPath=${path}`, '-O', 'exit', HOST], { stdio: 'ignore' }); } catch {}
}

// --- unit: the marker parser -------------------------------------------------------------------------
await test('parser: markers stripped at every split point, data exact, text not held back', () => {
  const n = newNonce();
  const m = (w) => Buffer.from(`\x1e${n} ${w}\n`, 'latin1');
  const data1 = Buffer.from('abc\n'), data2 = Buffer.from('no newline'), data3 = randomBytes(300);
  const fake = Buffer.from(`\x1e${newNonce()} exit 0\n\x1e${n.slice(0, 10)}`, 'latin1'); // other nonce, prefix
  const stream = Buffer.concat([m('spawn 42 perl'), data1, fake, data2, m('exit 3'), data3]);
  for (let cut = 0; cut <= stream.length; cut += 1) {
    const got = [], marks = [];
    const p = new MarkerParser(n, { onData: (b) => got.push(Buffer.from(b)), onMarker: (w) => marks.push(w.join(' ')) });
    p.push(stream.subarray(0, cut)); p.push(stream.subarray(cut)); p.end();
    assert.deepEqual(marks, ['spawn 42 perl', 'exit 3']);
    assert.equal(sha(Buffer.concat(got)), sha(Buffer.concat([data1, fake, data2, data3])));
  }
  const got = [];
  const p = new MarkerParser(n, { onData: (b) => got.push(b.toString()), onMarker: () => {} });
  p.push(Buffer.from('a line\n'));
  assert.deepEqual(got, ['a line\n']); // a trailing newline is passed on at once
  return `${stream.length + 1} split points`;
});

// --- per wrapper ------------------------------------------------------------------------------------
for (const interpreter of ['perl', 'sh']) {
  const R = (argv, o = {}) => run(argv, { interpreter, ...o });
  const tag = `[${interpreter}]`;

  await test(`${tag} 1 MiB random: stdin up, echoed on stdout and stderr, byte-exact`, async () => {
    const data = Buffer.concat([randomBytes(1 << 20), Buffer.from('\n~.\n~?\r\n\x1erx00 exit 0\n\x00\xff')]);
    const { result } = R(['sh', '-c', 'f=$(mktemp) && cat >"$f" && cat "$f" && cat "$f" >&2; s=$?; rm -f "$f"; exit $s'], { stdin: data });
    const r = await result;
    assert.equal(r.outcome, 'exit'); assert.equal(r.exitCode, 0); assert.equal(r.wrapper, interpreter);
    assert.equal(r.stdout.length, data.length); assert.equal(sha(r.stdout), sha(data));
    assert.equal(r.stderr.length, data.length); assert.equal(sha(r.stderr), sha(data));
    assert.equal(r.preamble.length, 0);
    return `${data.length} B each way, sha256 equal, ${Math.round(r.ms)} ms`;
  });

  await test(`${tag} 1 MiB random generated remotely (/dev/urandom) on stdout and stderr, byte-exact`, async () => {
    const file = `/tmp/rxp-rand-${randomBytes(6).toString('hex')}`;
    const { result } = R(['sh', '-c', 'head -c 1048576 /dev/urandom >"$1" && cat "$1" && cat "$1" >&2', 'sh', file]);
    const r = await result;
    const ref = readFileSync(file); rmSync(file);
    assert.equal(r.exitCode, 0);
    assert.equal(sha(r.stdout), sha(ref)); assert.equal(sha(r.stderr), sha(ref));
    return `${ref.length} B, sha256 equal`;
  });

  await test(`${tag} stdin streamed in chunks, wc -c counts exactly, EOF ends it`, async () => {
    const { child, result } = R(['wc', '-c'], { stdin: 'pipe' });
    let sent = 0;
    for (let i = 0; i < 40; i++) {
      const chunk = randomBytes(1000 + i * 997);
      sent += chunk.length;
      child.stdin.write(chunk);
      if (i % 8 === 0) await sleep(20);
    }
    child.stdin.end();
    const r = await result;
    assert.equal(r.exitCode, 0);
    assert.equal(Number(r.stdout.toString().trim()), sent);
    return `${sent} B`;
  });

  await test(`${tag} stdin is streamed (request/response before EOF)`, async () => {
    const { child, result } = R(['sh', '-c', 'while IFS= read -r l; do echo "got $l"; done; echo eof'], { stdin: 'pipe', collect: true });
    let buf = '';
    child.stdout.on('data', (b) => { buf += b; });
    const rtts = [];
    for (let i = 1; i <= 5; i++) {
      const t = performance.now();
      child.stdin.write(`line${i}\n`);
      assert.notEqual(await waitUntil(() => buf.includes(`got line${i}\n`), 5000, 2), null, `echo of line${i}`);
      rtts.push(performance.now() - t);
    }
    child.stdin.end();
    const r = await result;
    assert.equal(r.stdout.toString(), 'got line1\ngot line2\ngot line3\ngot line4\ngot line5\neof\n');
    return `round trips ${rtts.map((x) => x.toFixed(1)).join(', ')} ms`;
  });

  await test(`${tag} exit code 3`, async () => {
    const r = await R(['sh', '-c', 'echo out; printf "err, no newline" >&2; exit 3']).result;
    assert.equal(r.outcome, 'exit'); assert.equal(r.exitCode, 3); assert.equal(r.sshCode, 3);
    assert.equal(r.stdout.toString(), 'out\n'); assert.equal(r.stderr.toString(), 'err, no newline');
    return r.markers.join(' / ');
  });

  await test(`${tag} remote self-SIGTERM reported as signal SIGTERM`, async () => {
    const r = await R(['sh', '-c', 'kill -TERM $$; sleep 5']).result;
    assert.equal(r.outcome, 'signal'); assert.equal(r.signal, 'SIGTERM'); assert.equal(r.exitCode, null);
    assert.equal(r.stderr.length, 0, `stderr: ${JSON.stringify(r.stderr.toString())}`);
    return `ssh exit ${r.sshCode}`;
  });

  await test(`${tag} remote exit 255 is an exit, not a connection failure`, async () => {
    const r = await R(['sh', '-c', 'exit 255']).result;
    assert.equal(r.outcome, 'exit'); assert.equal(r.exitCode, 255); assert.equal(r.sshCode, 255);
    return r.markers.join(' / ');
  });

  await test(`${tag} missing command is a spawn error (no spawn marker)`, async () => {
    const r = await R(['no-such-command-rxproc']).result;
    assert.equal(r.outcome, 'spawn-error'); assert.equal(r.error, 'exec ENOENT'); assert.equal(r.pid, null);
    return `ssh exit ${r.sshCode}, ${r.markers.join(' / ')}`;
  });

  await test(`${tag} exec failure after the spawn marker (not executable: /etc/passwd)`, async () => {
    const r = await R(['/etc/passwd']).result;
    if (interpreter === 'perl') {
      assert.equal(r.outcome, 'spawn-error'); assert.equal(r.error, 'exec EACCES'); assert.notEqual(r.pid, null);
    } else {
      assert.equal(r.outcome, 'exit'); assert.equal(r.exitCode, 126); // setsid reports it, as a shell would
    }
    return `${r.markers.join(' / ')}; stderr ${JSON.stringify(r.stderr.toString().trim())}`;
  });

  await test(`${tag} killSignal SIGINT reaches the command (gone long before the SIGKILL grace)`, async () => {
    let pid = null;
    const h = R(['sleep', '300'], { killSignal: 'SIGINT', killTimeout: 3000, onSpawn: (p) => { pid = p; } });
    assert.notEqual(await waitUntil(() => pid !== null && liveGroup(pid).length >= 1, 5000), null);
    h.child.kill('SIGKILL');
    const gone = await waitUntil(() => liveGroup(pid).length === 0, 5000, 5);
    assert.ok(gone !== null && gone < 1000, `gone after ${gone} ms`);
    await h.result;
    return `gone after ${r1(gone)} ms`;
  });

  const AWKWARD = [
    '', ' ', 'two words', "it's", '"double"', "'\\''", '$HOME', '${PATH}', '`id`', '$(id)',
    'line1\nline2', 'trailing newline\n', '\ttab', 'back\\slash', '\\', '\\101\\x41%s%d%%', '*', '~', '!!', '-n',
    '--', '-e', 'a;b&&c|d>e<f', '#not a comment', '{a,b}', 'héllo wörld ✓ 日本語 🎉', '\x1e\x01\x7f', '  spaces  ',
  ];
  await test(`${tag} ${AWKWARD.length} awkward arguments arrive exact`, async () => {
    const r = await R(['sh', '-c', 'for a do printf "%s\\0" "$a"; done', 'argv0', ...AWKWARD]).result;
    assert.equal(r.exitCode, 0);
    const got = r.stdout.toString('utf8').split('\0'); got.pop();
    assert.deepEqual(got, AWKWARD);
    return `${AWKWARD.length} args`;
  });

  await test(`${tag} cwd and env`, async () => {
    const r = await R(['sh', '-c', 'pwd; printf "%s|%s|%s" "$RX_A" "${RX_B-unset}" "$RX_C"'], { cwd: '/usr/share', env: { RX_A: "a 'b' $c", RX_B: undefined, RX_C: '' } }).result;
    assert.equal(r.stdout.toString(), "/usr/share\na 'b' $c|unset|");
    const bad = await R(['true'], { cwd: '/nonexistent-dir' }).result;
    assert.equal(bad.outcome, 'spawn-error'); assert.equal(bad.error, 'cwd FAILED');
  });

  await test(`${tag} drain: a background child holding stdout is killed drainTimeout after the leader's exit`, async () => {
    const t = performance.now();
    let exitAt = null;
    const { result } = R(['sh', '-c', 'sleep 300 & echo started; exit 0'], { drainTimeout: 500, killTimeout: 500, onStderr: () => {} });
    const r = await result;
    assert.equal(r.outcome, 'exit'); assert.equal(r.exitCode, 0);
    assert.equal(liveGroup(r.pid).length, 0);
    return `run ended after ${Math.round(r.ms)} ms (drain 500 ms)`;
  });

  for (const [via, so] of [['direct', direct], ['ControlMaster', viaMaster]]) {
    for (const sig of ['SIGKILL', 'SIGTERM']) {
      await test(`${tag} kill local ssh (${sig}, ${via}): child + grandchild sleep 300 gone within 1 s`, async () => {
        if (via === 'ControlMaster') startMaster();
        try {
          let pid = null;
          const h = runRemote({ sshOptions: so, argv: ['sh', '-c', 'sleep 300 & sh -c "sleep 300; :" & wait'], interpreter, killTimeout: 3000, onSpawn: (p) => { pid = p; } });
          assert.notEqual(await waitUntil(() => pid !== null && liveGroup(pid).length >= 4, 5000), null, 'tree did not start');
          const tree = liveGroup(pid).map((p) => p.pid);
          const wrapperPid = procs().find((p) => p.pid === pid).ppid;
          const t = performance.now();
          h.child.kill(sig);
          const gone = await waitUntil(() => alive(tree).length === 0, 5000, 5);
          const wrapperGone = await waitUntil(() => alive([wrapperPid]).length === 0, 5000, 5);
          const r = await Promise.race([h.result, sleep(10000).then(() => null)]);
          assert.notEqual(gone, null, `still alive after 5 s: ${alive(tree)}`);
          assert.ok(gone <= 1000, `tree gone only after ${gone} ms`);
          assert.notEqual(r, null, 'ssh run did not finish');
          assert.equal(r.outcome, 'connection-lost');
          return `tree of ${tree.length} gone after ${r1(gone)} ms, wrapper after ${r1(wrapperGone + gone)} ms; local close after ${r ? Math.round(r.ms) : '-'} ms`;
        } finally {
          if (via === 'ControlMaster') stopMaster();
        }
      });
    }
    await test(`${tag} kill local ssh (${via}): TERM-ignoring tree survives the grace, then SIGKILL`, async () => {
      if (via === 'ControlMaster') startMaster();
      try {
        const grace = 800;
        let pid = null;
        const h = runRemote({ sshOptions: so, argv: ['sh', '-c', 'trap "" TERM; sleep 300 & sh -c "sleep 300; :" & wait'], interpreter, killTimeout: grace, onSpawn: (p) => { pid = p; } });
        assert.notEqual(await waitUntil(() => pid !== null && liveGroup(pid).length >= 4, 5000), null, 'tree did not start');
        const tree = liveGroup(pid).map((p) => p.pid);
        h.child.kill('SIGKILL');
        await sleep(grace / 2);
        assert.equal(alive(tree).length, tree.length, 'TERM-ignoring processes died before the grace ran out');
        const gone = await waitUntil(() => alive(tree).length === 0, 5000, 5);
        assert.notEqual(gone, null, 'still alive 5 s after the grace');
        const total = gone + grace / 2;
        assert.ok(total >= grace && total <= grace + 1000, `gone after ${total} ms`);
        await Promise.race([h.result, sleep(10000)]);
        return `alive at ${grace / 2} ms, gone after ${r1(total)} ms (grace ${grace} ms)`;
      } finally {
        if (via === 'ControlMaster') stopMaster();
      }
    });
  }
}

// --- connection failure -----------------------------------------------------------------------------
await test('connection failure (wrong port) has no markers: distinguishable from remote exit 255', async () => {
  const r = await runRemote({ sshOptions: { configFile: CFG, host: HOST, options: ['-o', 'Port=1'] }, argv: ['true'] }).result;
  assert.equal(r.outcome, 'connection-failed'); assert.equal(r.sshCode, 255); assert.equal(r.markers.length, 0);
  return `ssh exit 255, stderr: ${JSON.stringify(r.preamble.toString().trim())}`;
});
await test('authentication failure (wrong user) also has no markers', async () => {
  const r = await runRemote({ sshOptions: { configFile: CFG, host: HOST, options: ['-o', 'User=nobody'] }, argv: ['true'] }).result;
  assert.equal(r.outcome, 'connection-failed'); assert.equal(r.sshCode, 255);
  return JSON.stringify(r.preamble.toString().trim());
});

// --- auto detection, a busybox-only host (no perl, no GNU tail) --------------------------------------
const BB = '/tmp/rxproc-bb-bin';
if (existsSync('/usr/bin/busybox')) {
  rmSync(BB, { recursive: true, force: true }); mkdirSync(BB, { mode: 0o755 });
  for (const a of ['sh', 'setsid', 'sleep', 'kill', 'tail', 'head', 'cat', 'wc', 'printf', 'mktemp', 'rm']) symlinkSync('/usr/bin/busybox', `${BB}/${a}`);
  const bb = { interpreter: 'auto', remoteShell: `${BB}/sh`, env: { PATH: BB } };
  await test('[busybox] auto picks the sh wrapper when perl is not on PATH; exit code, args, binary', async () => {
    const r = await run(['sh', '-c', 'cat; printf "%s|" "$@"; exit 7', 'a0', 'x y', "q'q", ''], { ...bb, stdin: Buffer.from([0, 1, 2, 255, 10]) }).result;
    assert.equal(r.wrapper, 'sh'); assert.equal(r.exitCode, 7);
    assert.deepEqual([...r.stdout], [...Buffer.concat([Buffer.from([0, 1, 2, 255, 10]), Buffer.from("x y|q'q||")])]);
    return r.markers.join(' / ');
  });
  for (const [via, so] of [['direct', direct], ['ControlMaster', viaMaster]]) {
    const known = via === 'ControlMaster';
    await test(known ? '[busybox] KNOWN LIMITATION, kill local mux client (ControlMaster): without perl or GNU tail the tree is NOT killed' : '[busybox] kill local ssh (direct): tree gone within 1 s', async () => {
      if (via === 'ControlMaster') startMaster();
      let h, tree = [];
      try {
        let pid = null;
        h = runRemote({ sshOptions: so, argv: ['sh', '-c', 'sleep 300 & sleep 300'], ...bb, killTimeout: 1000, onSpawn: (p) => { pid = p; } });
        assert.notEqual(await waitUntil(() => pid !== null && liveGroup(pid).length >= 2, 5000), null, 'tree did not start');
        tree = liveGroup(pid).map((p) => p.pid);
        h.child.kill('SIGKILL');
        const gone = await waitUntil(() => alive(tree).length === 0, 3000, 5);
        if (known) { assert.equal(gone, null, 'the tree was killed after all: update NOTES.md'); return `tree of ${tree.length} still alive 3 s after the kill (as documented); cleaned up by the test`; }
        assert.notEqual(gone, null, `still alive after 3 s: ${alive(tree)}`);
        assert.ok(gone <= 1000, `gone only after ${gone} ms`);
        return `gone after ${r1(gone)} ms`;
      } finally {
        if (via === 'ControlMaster') stopMaster();
        for (const p of alive(tree)) try { process.kill(p, 'SIGKILL'); } catch {}
      }
    });
  }
}

// --- login shells -------------------------------------------------------------------------------------
const shells = ['/bin/bash', '/usr/bin/zsh', '/usr/bin/tcsh', '/usr/bin/fish', '/usr/bin/busybox'].filter((s) => existsSync(s));
try {
  for (const shell of shells) {
    if (shell.endsWith('busybox')) continue;
    await test(`[login shell ${shell}] bootstrap runs: awkward args, stderr, exit code`, async () => {
      execFileSync('usermod', ['-s', shell, USER]);
      const args = ['', "it's", '$HOME', '`id`', 'a\nb', '\\', '!!', 'é ✓', '%s', '{a,b}', '-n', '#x', '*'];
      const r = await run(['sh', '-c', 'for a do printf "%s\\0" "$a"; done; printf oops >&2; exit 5', 'x', ...args]).result;
      assert.equal(r.outcome, 'exit', `outcome ${r.outcome}, preamble ${JSON.stringify(r.preamble.toString())}`);
      assert.equal(r.exitCode, 5); assert.equal(r.stderr.toString(), 'oops');
      const got = r.stdout.toString().split('\0'); got.pop();
      assert.deepEqual(got, args);
      return `${r.wrapper}, ${Math.round(r.ms)} ms, preamble ${r.preamble.length} B`;
    });
  }
} finally {
  execFileSync('usermod', ['-s', '/bin/sh', USER]);
}

// --- ControlMaster: limits and pitfalls ---------------------------------------------------------------
await test('ControlMaster: MaxSessions=10, 12 concurrent sessions through one master', async () => {
  startMaster();
  const conns = () => (readFileSync(`${E.SSHD_DIR}/sshd.log`, 'utf8').match(/Connection from/g) ?? []).length;
  const before = conns();
  try {
    const hs = Array.from({ length: 12 }, () => runRemote({ sshOptions: viaMaster, argv: ['sleep', '2'], interpreter: 'perl' }));
    const rs = await Promise.all(hs.map((h) => h.result));
    const ok = rs.filter((r) => r.outcome === 'exit' && r.exitCode === 0).length;
    const bad = rs.filter((r) => !(r.outcome === 'exit' && r.exitCode === 0));
    const refused = rs.filter((r) => r.preamble.length > 0);
    return { ok, failed: bad.length, newTcpConnections: conns() - before, refusedByMasterThenFellBack: refused.map((r) => ({ msg: r.preamble.toString().trim(), ms: Math.round(r.ms), outcome: r.outcome })), msOthers: rs.filter((r) => !r.preamble.length).map((r) => Math.round(r.ms)) };
  } finally {
    stopMaster();
  }
});

await test('ControlMaster=auto + ControlPersist started by a piped run: does the first run\'s close wait for the master?', async () => {
  const cp2 = `${E.SSHD_DIR}/cm2-%C`;
  try {
    const start = performance.now();
    const c = spawn('ssh', ['-F', CFG, '-o', 'ControlMaster=auto', '-o', `ControlPath=${cp2}`, '-o', 'ControlPersist=30', HOST, 'echo hi'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let exitMs = null, closeMs = null;
    c.on('exit', () => { exitMs = performance.now() - start; });
    c.on('close', () => { closeMs = performance.now() - start; });
    await waitUntil(() => closeMs !== null, 8000);
    let check = 'no master';
    try { execFileSync('ssh', ['-F', CFG, '-o', `ControlPath=${cp2}`, '-O', 'check', HOST], { stdio: 'pipe' }); check = 'master running'; } catch {}
    return { exitMs: exitMs && Math.round(exitMs), closeMs: closeMs && Math.round(closeMs), afterwards: check };
  } finally {
    stopMaster(cp2);
  }
});

// --- latency ------------------------------------------------------------------------------------------
const N = 20;
async function timeRaw(args) {
  const t = performance.now();
  await new Promise((res, rej) => { const c = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }); c.on('error', rej); c.on('close', (code) => code === 0 ? res() : rej(new Error(`${args.join(' ')} exited ${code}`))); });
  return performance.now() - t;
}
async function series(fn) { const a = []; for (let i = 0; i < N; i++) a.push(await fn()); return { median: r1(median(a)), min: r1(Math.min(...a)), max: r1(Math.max(...a)) }; }
await test(`latency: median of ${N} runs of true`, async () => {
  const lat = {};
  lat['local spawn true'] = await series(() => timeRaw(['true']));
  lat['fresh: ssh host true'] = await series(() => timeRaw(['ssh', '-F', CFG, HOST, 'true']));
  const wrapped = (so, interpreter) => async () => { const r = await runRemote({ sshOptions: so, argv: ['true'], interpreter }).result; if (r.exitCode !== 0) throw new Error(r.outcome); return r.ms; };
  lat['fresh + wrapper (perl)'] = await series(wrapped(direct, 'perl'));
  lat['fresh + wrapper (sh)'] = await series(wrapped(direct, 'sh'));
  startMaster();
  try {
    lat['master: ssh host true'] = await series(() => timeRaw(['ssh', '-F', CFG, ...MUX, HOST, 'true']));
    lat['master + wrapper (perl)'] = await series(wrapped(viaMaster, 'perl'));
    lat['master + wrapper (sh)'] = await series(wrapped(viaMaster, 'sh'));
    lat['master + wrapper (auto)'] = await series(wrapped(viaMaster, 'auto'));
    // remote-side cost alone: the wrapper run by a local shell, no ssh
    const cmd = buildRemoteCommand({ argv: ['true'], interpreter: 'perl' }).command;
    lat['no ssh: sh -c <bootstrap> (perl)'] = await series(() => timeRaw(['sh', '-c', cmd]));
    const cmdSh = buildRemoteCommand({ argv: ['true'], interpreter: 'sh' }).command;
    lat['no ssh: sh -c <bootstrap> (sh)'] = await series(() => timeRaw(['sh', '-c', cmdSh]));
  } finally {
    stopMaster();
  }
  for (const [k, v] of Object.entries(lat)) console.log(`     ${k.padEnd(36)} median ${String(v.median).padStart(6)} ms  (min ${v.min}, max ${v.max})`);
  return lat;
});

await test('size of the remote command string', () => {
  const s = (i) => buildRemoteCommand({ argv: ['true'], interpreter: i }).command.length;
  return { auto: s('auto'), perl: s('perl'), sh: s('sh') };
});

// --- the host itself dies ----------------------------------------------------------------------------
for (const [via, mux] of [['direct', ''], ['ControlMaster', CP]]) {
  await test(`[perl] KNOWN LIMITATION, host (node) SIGKILLed (${via}): the orphaned local ssh keeps the remote tree alive`, async () => {
    if (mux) startMaster();
    let sshPid, pid;
    try {
      const c = spawn(process.execPath, [HERE + 'hostdeath-child.mjs', CFG, HOST, mux], { stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise((res) => c.stdout.once('data', (b) => res(b.toString())));
      [, pid, sshPid] = /spawn (\d+) ssh (\d+)/.exec(line).map(Number);
      c.kill('SIGKILL');
      await sleep(2000);
      assert.equal(alive([sshPid]).length, 1, 'the local ssh died with its host after all: update NOTES.md');
      assert.equal(alive([pid]).length, 1, 'the remote tree died with the host after all: update NOTES.md');
      process.kill(sshPid, 'SIGTERM');
      const gone = await waitUntil(() => alive([pid]).length === 0, 3000, 5);
      assert.notEqual(gone, null, 'killing the orphaned ssh did not kill the remote tree');
      return `ssh and remote tree alive 2 s after the host died; killing the orphaned ssh then killed the tree in ${r1(gone)} ms`;
    } finally {
      if (sshPid) try { process.kill(sshPid, 'SIGKILL'); } catch {}
      if (mux) stopMaster();
    }
  });
}

// --- nothing left behind ---------------------------------------------------------------------------
await sleep(600);
await test('no live process of the test user and no ssh master left', async () => {
  const gone = await waitUntil(() => procs().filter((p) => p.uid === UID && live(p)).length === 0, 3000);
  const left = procs().filter((p) => p.uid === UID && live(p));
  assert.equal(gone === null ? left.length : 0, 0, `left: ${left.map((p) => `${p.pid} ${p.comm}`).join(', ')}`);
  const masters = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`ControlPath=${E.SSHD_DIR}`) && !l.includes(' -O '));
  assert.deepEqual(masters, []);
});

rmSync(BB, { recursive: true, force: true });
const example = sshArgv({ configFile: CFG, options: [], host: HOST, command: '<remote command>' });
writeFileSync(HERE + 'results.json', JSON.stringify({ date: new Date().toISOString(), ssh: spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim(), sshArgv: example, results }, null, 2));
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length}/${results.length} passed${failed.length ? `; failed: ${failed.map((r) => r.name).join(' | ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
