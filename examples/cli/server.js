// A stand-in for a dev server: says it is listening after a short start-up, then serves until stopped,
// and shuts down cleanly (printing as it goes) on SIGTERM.
const started = Date.now();
setTimeout(() => console.log(`listening on port 4000 (after ${Date.now() - started} ms)`), 300);
const beat = setInterval(() => console.log('GET /health 200'), 1000);
process.on('SIGTERM', () => {
  clearInterval(beat);
  console.log('SIGTERM: closing connections, bye');
  process.exit(0);
});
