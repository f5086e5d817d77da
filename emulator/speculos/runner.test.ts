import { describe, expect, it } from 'vitest';
import { freePort } from '../process/free-port.js';
import { SpeculosError } from './errors.js';
import { startSpeculos } from './runner.js';

describe('Speculos runner preconditions', () => {
  it('fails loudly, with a code, when the ELF does not exist', async () => {
    const err = await startSpeculos({ elfPath: '/nonexistent/app.elf', seed: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpeculosError);
    expect((err as SpeculosError).code).toBe('ELF_MISSING');
  });

  it('refuses ELF paths containing ":" (Speculos splits its arguments on it)', async () => {
    const err = await startSpeculos({ elfPath: '/tmp/a:b.elf', seed: 'x' }).catch((e: unknown) => e);
    expect((err as SpeculosError).code).toBe('BAD_ELF_PATH');
    expect(String(err)).toMatch(/must not contain ':'/);
  });

  it('its port source (emulator/process/free-port.ts) hands out free loopback ports that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1023);
    const net = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  });
});
