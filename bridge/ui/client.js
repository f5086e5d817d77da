// How the page talks to the bridge core. In Electron the preload script exposes `sparkBridge`
// (typed IPC, bridge/electron/ipc-contract.ts); in headless mode the page calls the server's
// /ui/api with the session secret the server wrote into the page. Both carry the same
// operations (bridge/server/operations.ts) and the same events.

/** @returns {{ op: (name: string, args?: object) => Promise<any>, onEvent: (cb: (e: any) => void) => () => void }} */
export function createClient() {
  const ipc = /** @type {any} */ (window).sparkBridge;
  if (ipc !== undefined) return ipc;
  const meta = document.querySelector('meta[name="bridge-session"]');
  const session = meta ? meta.getAttribute('content') : '';
  return {
    async op(name, args = {}) {
      const res = await fetch(`/ui/api/op/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bridge-session': session },
        body: JSON.stringify(args),
      });
      const body = await res.json();
      if (!res.ok) {
        const err = new Error(body.error ? body.error.message : `HTTP ${res.status}`);
        err.code = body.error ? body.error.code : 'HTTP_' + res.status;
        throw err;
      }
      return body;
    },
    onEvent(cb) {
      const source = new EventSource(`/ui/api/events?session=${encodeURIComponent(session)}`);
      source.onmessage = (m) => cb(JSON.parse(m.data));
      source.onerror = () => cb({ type: 'connection', ok: false });
      source.onopen = () => cb({ type: 'connection', ok: true });
      return () => source.close();
    },
  };
}
