import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalCa } from './ca.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ca-test-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(certPath: string, keyPath: string, clientCa?: string): Promise<{ server: Server; port: number }> {
  const server = createServer({
    cert: readFileSync(certPath),
    key: readFileSync(keyPath),
    ALPNProtocols: ['h2'],
    ...(clientCa === undefined ? {} : { ca: readFileSync(clientCa), requestCert: true, rejectUnauthorized: true }),
  });
  server.on('secureConnection', (s: TLSSocket) => s.end('hello'));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

async function handshake(port: number, options: { ca: string; host: string; cert?: string; key?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: readFileSync(options.ca),
      ...(options.host === '127.0.0.1' ? {} : { servername: options.host }),
      ALPNProtocols: ['h2'],
      ...(options.cert === undefined || options.key === undefined ? {} : { cert: readFileSync(options.cert), key: readFileSync(options.key) }),
    });
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('local CA', () => {
  it('issues operator certificates that chain to the CA and cover localhost and 127.0.0.1', () => {
    const ca = openLocalCa(tempDir());
    const files = ca.issue('operator-1');
    const caCert = new X509Certificate(readFileSync(ca.caPath));
    const cert = new X509Certificate(readFileSync(files.certPath));
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('example.com')).toBeUndefined();
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
  });

  it('reuses its files on a second open, and issues fresh ones for a new name', () => {
    const dir = tempDir();
    const first = openLocalCa(dir);
    const a = first.issue('operator-1');
    const pemCa = readFileSync(first.caPath, 'utf8');
    const pemA = readFileSync(a.certPath, 'utf8');
    const second = openLocalCa(dir);
    expect(readFileSync(second.caPath, 'utf8')).toBe(pemCa);
    expect(readFileSync(second.issue('operator-1').certPath, 'utf8')).toBe(pemA);
    expect(readFileSync(second.issue('operator-2').certPath, 'utf8')).not.toBe(pemA);
    expect(() => second.issue('../evil')).toThrow(/bad certificate name/);
  });

  it('is trusted by a real TLS handshake (server and mutual), and a foreign CA is refused', async () => {
    const ca = openLocalCa(tempDir());
    const other = openLocalCa(tempDir());
    const op = ca.issue('operator-1');
    const peer = ca.issue('operator-2');
    const stranger = other.issue('operator-1');

    const plain = await serve(op.certPath, op.keyPath);
    try {
      expect(await handshake(plain.port, { ca: ca.caPath, host: 'localhost' })).toBe('hello');
      expect(await handshake(plain.port, { ca: ca.caPath, host: '127.0.0.1' })).toBe('hello');
      await expect(handshake(plain.port, { ca: other.caPath, host: 'localhost' })).rejects.toThrow(/certificate/);
    } finally {
      plain.server.close();
    }

    const mutual = await serve(op.certPath, op.keyPath, ca.caPath);
    try {
      expect(await handshake(mutual.port, { ca: ca.caPath, host: 'localhost', cert: peer.certPath, key: peer.keyPath })).toBe('hello');
      // Under TLS 1.3 the server checks the client certificate after the client's handshake has
      // finished, so the refusal shows up either as an error or as a closed, empty stream.
      const refused = await handshake(mutual.port, { ca: ca.caPath, host: 'localhost', cert: stranger.certPath, key: stranger.keyPath }).catch(
        (err: unknown) => `error: ${String(err)}`,
      );
      expect(refused).not.toBe('hello');
      const anonymous = await handshake(mutual.port, { ca: ca.caPath, host: 'localhost' }).catch((err: unknown) => `error: ${String(err)}`);
      expect(anonymous).not.toBe('hello');
    } finally {
      mutual.server.close();
    }
  });
});
