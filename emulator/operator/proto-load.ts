/**
 * Loads our own .proto files (proto/) at run time with @grpc/proto-loader. The grpc-js service
 * definitions it yields are accepted as they are by nice-grpc servers and clients.
 * Options: snake_case field names as in the .proto, int64 as JS numbers, bytes as Buffer,
 * defaults filled in, oneofs named.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';

export const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');

const cache = new Map<string, Record<string, unknown>>();

/** The grpc-js service definition `pkg.Service` from `proto/<file>`. */
export function loadService(file: string, fullName: string): ServiceDefinition {
  let pkg = cache.get(file);
  if (pkg === undefined) {
    pkg = loadSync(join(PROTO_DIR, file), {
      keepCase: true,
      longs: Number,
      enums: Number,
      bytes: Buffer,
      defaults: true,
      oneofs: true,
      includeDirs: [PROTO_DIR],
    }) as Record<string, unknown>;
    cache.set(file, pkg);
  }
  const def = pkg[fullName];
  // Message types carry a `format` field; services are plain method maps.
  if (def === null || typeof def !== 'object' || 'format' in def) {
    throw new Error(`service ${fullName} not found in proto/${file}`);
  }
  return def as ServiceDefinition;
}
