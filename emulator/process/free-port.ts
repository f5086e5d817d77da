import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Listening ports for the local network's processes, picked below the kernel's ephemeral range.
 *
 * Why not `listen(0)`: the kernel hands those ports from the ephemeral range, the same range it
 * draws the local port of every outgoing connection from. Between a probe and the real bind (an
 * operator binds seconds later) the many client connections of a test run (gRPC channels, the SDK,
 * RPC) could take the port, and the start failed with EADDRINUSE. Below the range only another
 * listener can take it; the port is drawn at random and each one is handed out once per process, so
 * parallel test processes rarely draw the same one, and a port already bound is skipped.
 */
const RANGE_SIZE = 12_000;

function listeningRange(): { low: number; high: number } {
  let ephemeralLow = 32_768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > RANGE_SIZE + 1024) ephemeralLow = low;
  } catch {
    // Not Linux: keep the IANA-style default below 32768.
  }
  return { low: ephemeralLow - RANGE_SIZE, high: ephemeralLow - 1 };
}

const RANGE = listeningRange();
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that is free now and has not been handed out before in this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = RANGE.low + Math.floor(Math.random() * (RANGE.high - RANGE.low + 1));
    if (handedOut.has(port)) continue;
    if (await isPortFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free TCP port found in ${RANGE.low}-${RANGE.high} on 127.0.0.1`);
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
