import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../../src/errors/coded-error.js';
import * as der from './der.js';

/** Object identifiers used below (RFC 5280, RFC 5758, RFC 5480). */
const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** A certificate or key file of the local CA that is not what it must be, or a bad certificate name. */
export class CertificateError extends CodedError<'CERTIFICATE_INVALID'> {
  override readonly name = 'CertificateError';
  constructor(message: string) {
    super('CERTIFICATE_INVALID', message);
  }
}

/** PEM paths of one key pair and its certificate. */
export interface CertFiles {
  certPath: string;
  keyPath: string;
}

/** The local CA: its certificate file and the paths of the operator certificates it issued. */
export interface LocalCa {
  caPath: string;
  caKeyPath: string;
  issue(name: string): CertFiles;
}

function name(commonName: string): Buffer {
  return der.sequence(
    der.set(der.sequence(der.oid(OID.organization), der.utf8String('Spark local network'))),
    der.set(der.sequence(der.oid(OID.commonName), der.utf8String(commonName))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.sequence(der.oid(id), der.boolean(true), der.octetString(value)) : der.sequence(der.oid(id), der.octetString(value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // For a P-256 SPKI the BIT STRING holding the point is the last 66 bytes (tag, len, 0 unused, 65-byte point).
  return createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
}

interface CertSpec {
  subject: string;
  subjectKey: KeyObject;
  issuer: string;
  issuerKey: KeyObject;
  issuerPublic: KeyObject;
  isCa: boolean;
  years: number;
}

function buildCertificate(spec: CertSpec): string {
  const now = Date.now();
  const notBefore = new Date(now - 60 * 60 * 1000);
  const notAfter = new Date(now + spec.years * 365 * 24 * 60 * 60 * 1000);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const extensions = [
    extension(OID.basicConstraints, true, spec.isCa ? der.sequence(der.boolean(true)) : der.sequence()),
    // keyUsage bits are numbered from the top bit: digitalSignature(0)=0x80, keyCertSign(5)=0x04, cRLSign(6)=0x02.
    extension(OID.keyUsage, true, spec.isCa ? der.bitString(Buffer.from([0x86]), 1) : der.bitString(Buffer.from([0x80]), 7)),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spec.subjectKey))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyIdentifier(spec.issuerPublic)))),
  ];
  if (!spec.isCa) {
    // Operators use one certificate as TLS server (public port) and as client and server on the mutual-TLS internal port.
    extensions.push(extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth), der.oid(OID.clientAuth))));
    extensions.push(
      extension(
        OID.subjectAltName,
        false,
        der.sequence(der.implicitPrimitive(2, Buffer.from('localhost', 'ascii')), der.implicitPrimitive(7, Buffer.from([127, 0, 0, 1]))),
      ),
    );
  }
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(serial),
    algorithm,
    name(spec.issuer),
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name(spec.subject),
    spec.subjectKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, { key: spec.issuerKey, dsaEncoding: 'der' });
  const cert = der.sequence(tbs, algorithm, der.bitString(signature));
  const b64 = cert.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function writeKey(path: string, key: KeyObject): void {
  writeFileSync(path, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

/**
 * Creates (or reuses) a local CA in `dir` and issues P-256 certificates valid for localhost and
 * 127.0.0.1. The files persist so that a second start of the network reuses them; wallets trust
 * `caPath`.
 */
export function openLocalCa(dir: string): LocalCa {
  mkdirSync(dir, { recursive: true });
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca.key');
  if (!existsSync(caPath) || !existsSync(caKeyPath)) {
    const { privateKey, publicKey } = newKey();
    writeKey(caKeyPath, privateKey);
    writeFileSync(caPath, buildCertificate({
      subject: 'Spark local network CA',
      subjectKey: publicKey,
      issuer: 'Spark local network CA',
      issuerKey: privateKey,
      issuerPublic: publicKey,
      isCa: true,
      years: 10,
    }));
  }
  const caKey = createPrivateKey(readFileSync(caKeyPath));
  const caCert = new X509Certificate(readFileSync(caPath));
  if (!caCert.checkPrivateKey(caKey)) throw new CertificateError(`${caKeyPath} is not the key of ${caPath}`);

  return {
    caPath,
    caKeyPath,
    issue(commonName: string): CertFiles {
      if (!/^[A-Za-z0-9._-]+$/.test(commonName)) throw new CertificateError(`bad certificate name ${JSON.stringify(commonName)}`);
      const certPath = join(dir, `${commonName}.pem`);
      const keyPath = join(dir, `${commonName}.key`);
      if (existsSync(certPath) && existsSync(keyPath)) {
        const existing = new X509Certificate(readFileSync(certPath));
        if (existing.verify(caCert.publicKey) && Date.parse(existing.validTo) > Date.now() + 24 * 3600 * 1000) return { certPath, keyPath };
      }
      const { privateKey, publicKey } = newKey();
      writeKey(keyPath, privateKey);
      writeFileSync(certPath, buildCertificate({
        subject: commonName,
        subjectKey: publicKey,
        issuer: 'Spark local network CA',
        issuerKey: caKey,
        issuerPublic: createPublicKey(caKey),
        isCa: false,
        years: 2,
      }));
      return { certPath, keyPath };
    },
  };
}
