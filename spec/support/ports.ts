import { createServer, type AddressInfo } from 'node:net';

/** A port that nothing listens on: one the kernel gave, then closed (each test its own, never a fixed one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
