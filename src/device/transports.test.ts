import { describe, expect, it } from 'vitest';
import { SparkDeviceError } from './errors.js';
import { openWebHidTransport } from './transports.js';

describe('transport helpers', () => {
  it('WebHID outside a browser fails with TRANSPORT_UNAVAILABLE instead of a raw error', async () => {
    const err = await openWebHidTransport().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparkDeviceError);
    expect((err as SparkDeviceError).code).toBe('TRANSPORT_UNAVAILABLE');
    expect(String((err as Error).message)).toMatch(/WebHID/);
  });
});
