/** Status words of the Spark Signer app (device-app/PROTOCOL.md, "Status words"). */
export const StatusWord = {
  OK: 0x9000,
  DENIED: 0x6985,
  BLIND_SIGNING_DISABLED: 0x6982,
  PATH_REFUSED: 0x6a81,
  NONCE_UNKNOWN: 0x6a82,
  NONCE_MISMATCH: 0x6a83,
  CHUNK_SEQUENCE: 0x6a84,
  BAD_DATA: 0x6a80,
  BAD_P1_P2: 0x6a86,
  WRONG_LENGTH: 0x6700,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  INTERNAL: 0x6f00,
  INTENT_MISMATCH: 0x6a87,
  TX_UNSUPPORTED: 0x6a88,
} as const;

export type StatusName = keyof typeof StatusWord;

export function statusName(sw: number): StatusName | undefined {
  for (const [name, value] of Object.entries(StatusWord)) {
    if (value === sw) {
      return name as StatusName;
    }
  }
  return undefined;
}

export function hexSw(sw: number): string {
  return `0x${sw.toString(16).padStart(4, '0')}`;
}
