import { describe, expect, it } from 'vitest';
import { callTrezor } from '../../src/trezor/call.js';
import { loadTrezorConnect } from '../../src/trezor/connect-loader.js';
import { TrezorError } from '../../src/trezor/errors.js';

/**
 * The real @trezor/connect, with no Trezor attached (CI has none). Its UDP transport looks for an
 * emulator on 127.0.0.1 only. connect answers nothing while it waits for a device, so what this
 * proves is that the library loads and initialises here, and that our time limit turns its
 * silence into a TIMEOUT and releases it.
 */
describe('real @trezor/connect without a device', () => {
  it('initialises, and a call that never answers becomes a TIMEOUT', async () => {
    const connect = await loadTrezorConnect({ manifest: { appName: 'Spark hardware signer tests', appUrl: 'https://localhost', email: 'tests@localhost' }, transports: ['UdpTransport'] });
    try {
      const started = Date.now();
      const err = await callTrezor('reading a public key', () => connect.api.getPublicKey({ path: "m/8797555'/0'/11'", coin: 'btc', crossChain: true }), 3_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TrezorError);
      expect((err as TrezorError).code).toBe('TIMEOUT');
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    } finally {
      await connect.dispose();
    }
  });
});
