// The helper of examples/spawner.js: runs each command its parent sends over the IPC channel and answers
// with the outcome. Its own heap stays small, so each fork here is cheap whatever the parent holds.
import { spawn$ } from 'rxproc';

const reply = (message) => process.connected && process.send(message);

process.on('message', (request) => {
  // The parent waits for the replies it is owed, then asks for the end: closing the channel lets this
  // process exit once nothing runs any more.
  if (request.close === true) return void process.disconnect();
  const { id, command, args } = request;
  spawn$(command, args)
    .output()
    .then(
      ({ stdout, stderr, exitCode, signal }) => reply({ id, stdout, stderr, exitCode, signal }),
      // An error crosses the channel as its name and message (with 'json' an Error object would arrive as {}).
      (error) => reply({ id, error: { name: error.name, message: error.message } }),
    );
});

// Up and listening: startSpawner resolves on this, so Node's start-up is behind the first command, not in it.
reply({ ready: true });
