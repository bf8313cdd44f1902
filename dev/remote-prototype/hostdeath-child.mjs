// Helper for test.mjs: a "host" process that starts one remote run and is then SIGKILLed by the test.
import { runRemote } from './rxssh.mjs';
const [cfg, host, mux] = process.argv.slice(2);
const options = mux ? ['-o', 'ControlMaster=no', '-o', `ControlPath=${mux}`] : [];
const h = runRemote({ sshOptions: { configFile: cfg, host, options }, argv: ['sh', '-c', 'sleep 300 & sleep 300'], interpreter: 'perl', stdin: 'pipe', onSpawn: (pid) => console.log(`spawn ${pid} ssh ${h.child.pid}`) });
