import TransportModule from '@ledgerhq/hw-transport';
import { SparkDeviceError } from '../device/errors.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';

/**
 * @ledgerhq/hw-transport's default export is the Transport class in its ESM build (what a bundler
 * picks); a CommonJS interop hands the exports object with the class as `default`. Either way, the
 * class. (Browser code: Node loads the Ledger packages through require, src/device/transports.ts.)
 */
type TransportClass = (typeof TransportModule)['default'];
const Transport: TransportClass = (TransportModule as unknown as { default?: TransportClass }).default ?? (TransportModule as unknown as TransportClass);

/**
 * A Ledger transport to the app under Speculos over its REST API (POST /apdu with {"data": hex},
 * answered with {"data": response hex} once the app replies — after the user's approval for a
 * command that asks for one; Speculos gives up after five minutes). For developers and for tests
 * of browser code, since Speculos has no HID: a page reaches it with fetch (Speculos's API
 * answers CORS requests from any origin). Users' browsers talk to the device over WebHID.
 */
export class SpeculosHttpTransport extends Transport {
  private closed = false;

  private constructor(private readonly apduUrl: string) {
    super();
  }

  /** `baseUrl` is Speculos's API address, e.g. http://127.0.0.1:5000. */
  static override async open(baseUrl: string): Promise<SpeculosHttpTransport> {
    return new SpeculosHttpTransport(new URL('/apdu', baseUrl).toString());
  }

  override async exchange(apdu: Buffer): Promise<Buffer> {
    if (this.closed) throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', 'the Speculos HTTP transport is closed');
    let res: Response;
    try {
      res = await fetch(this.apduUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: bytesToHex(new Uint8Array(apdu)) }) });
    } catch (err) {
      throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', `Speculos at ${this.apduUrl} did not answer: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', `Speculos answered ${res.status} to an APDU: ${text.slice(0, 200)}`);
    // The body may start with whitespace: Speculos sends its headers before the app has replied.
    const data = (JSON.parse(text) as { data?: unknown }).data;
    if (typeof data !== 'string' || !/^([0-9a-f]{2}){2,}$/.test(data)) throw new SparkDeviceError('TRANSPORT_UNAVAILABLE', `Speculos answered an APDU with ${text.slice(0, 200)}`);
    return Buffer.from(hexToBytes(data));
  }

  override async close(): Promise<void> {
    this.closed = true;
  }
}
