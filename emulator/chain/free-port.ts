import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on 127.0.0.1. Tests run in parallel, so nothing here uses a
 * fixed port; the small window between closing this probe and the real bind is accepted.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the probe socket address'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

/** Whether nothing listens on 127.0.0.1:port right now. */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `port` when it is given and free, else undefined (the caller then picks a fresh one). */
export async function portIfFree(port: number | undefined): Promise<number | undefined> {
  if (port === undefined || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return (await isPortFree(port)) ? port : undefined;
}
