#!/usr/bin/env node
// Shows what a run sends: the local ssh argv, the remote command (stage 0) and its decoded stage 1.
//   node print-bootstrap.mjs [--interpreter auto|perl|sh] -- COMMAND [ARG...]
import { buildRemoteCommand, sshArgv, posixQuote, WRAPPER_PL, WRAPPER_SH } from './rxssh.mjs';
const a = process.argv.slice(2);
let interpreter = 'auto';
if (a[0] === '--interpreter') { interpreter = a[1]; a.splice(0, 2); }
if (a[0] === '--') a.shift();
const argv = a.length ? a : ['echo', 'hello world'];
const { command, stage1, nonce } = buildRemoteCommand({ argv, interpreter, nonce: 'rx0123456789abcdef0123456789abcdef' });
const full = sshArgv({ configFile: '/tmp/rxproc-sshd/ssh_config', host: 'rxproc-test-host', command });
const short = (s) => (s.length > 160 ? `${s.slice(0, 120)}… (${s.length} chars)` : s);
console.log('# ssh argv (one element per line; the last is the remote command):');
for (const x of full) console.log('  ' + JSON.stringify(short(x)));
console.log(`\n# nonce: ${nonce}\n# stage 1 (what printf decodes remotely; the wrapper sources are elided here):`);
console.log(stage1.replace(posixQuote(WRAPPER_PL), `<wrapper.pl minified, ${WRAPPER_PL.length} bytes, POSIX-quoted>`).replace(posixQuote(WRAPPER_SH), `<wrapper.sh minified, ${WRAPPER_SH.length} bytes, POSIX-quoted>`));
