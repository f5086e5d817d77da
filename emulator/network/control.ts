/**
 * The running network's control socket, `<data>/control.sock`: a Unix socket on which the
 * launcher (start.ts) takes one JSON request per connection and answers one JSON line. It is how
 * `ctl.ts` stops or restarts a single operator of a network started from the command line.
 *
 *   {"command":"status"}                         → {"ok":true,"operators":[{"index","running","pid"}…]}
 *   {"command":"stop-operator","index":3}        → {"ok":true}            SIGTERM, waits for the exit
 *   {"command":"kill-operator","index":3}        → {"ok":true}            SIGKILL, as a crash would
 *   {"command":"restart-operator","index":3}     → {"ok":true,"ready":{…}} waits for READY
 *   {"command":"stop"}                           → {"ok":true}            stops the whole network
 *   errors                                       → {"ok":false,"error":"…"}
 *
 * The socket file is created with mode 0600 (only the user who started the network may use it).
 */
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { RunningNetwork } from './network.js';

export type ControlRequest =
  | { command: 'status' }
  | { command: 'stop' }
  | { command: 'stop-operator' | 'kill-operator' | 'restart-operator'; index: number };

export type ControlResponse = { ok: true; [k: string]: unknown } | { ok: false; error: string };

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, 'control.sock');
}

async function handle(network: RunningNetwork, req: ControlRequest, stopNetwork: () => void): Promise<ControlResponse> {
  switch (req.command) {
    case 'status':
      return { ok: true, dataDir: network.dataDir, operators: network.operators.map((o) => ({ index: o.index, running: o.running, pid: o.pid ?? null })) };
    case 'stop':
      // Answer first: stopping the network closes this socket.
      setImmediate(stopNetwork);
      return { ok: true };
    case 'stop-operator':
      await network.stopOperator(req.index);
      return { ok: true };
    case 'kill-operator':
      await network.killOperator(req.index);
      return { ok: true };
    case 'restart-operator': {
      const op = network.operators[req.index - 1];
      if (op?.running === true) await network.stopOperator(req.index);
      return { ok: true, ready: await network.restartOperator(req.index) };
    }
    default:
      return { ok: false, error: `unknown command ${JSON.stringify((req as { command?: unknown }).command)}` };
  }
}

/** Serves the control socket for `network`; `stopNetwork` is what the "stop" command runs. */
export async function serveControl(network: RunningNetwork, stopNetwork: () => void): Promise<Server> {
  const path = controlSocketPath(network.dataDir);
  // A socket file left by a killed launcher: the data directory's lock says we own it now.
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      let req: ControlRequest;
      try {
        req = JSON.parse(text.slice(0, nl)) as ControlRequest;
      } catch {
        socket.end(JSON.stringify({ ok: false, error: 'request is not JSON' }) + '\n');
        return;
      }
      handle(network, req, stopNetwork).then(
        (res) => socket.end(JSON.stringify(res) + '\n'),
        (e: unknown) => socket.end(JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) }) + '\n'),
      );
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

/** Sends one request to the network running on `dataDir` and returns its answer. */
export function sendControl(dataDir: string, req: ControlRequest, timeoutMs = 300_000): Promise<ControlResponse> {
  const path = controlSocketPath(dataDir);
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer on ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(req) + '\n'));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as ControlResponse);
      } catch {
        reject(new Error(`unreadable answer on ${path}: ${text}`));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
          ? new Error(`no network is running on ${dataDir} (no control socket at ${path})`)
          : e,
      );
    });
  });
}
