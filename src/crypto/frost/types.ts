/** Shapes shared by the FROST modules; they mirror the SDK's binding types where they meet. */

/** A signer's secret nonce pair: two 32-byte big-endian scalars. */
export interface SigningNonce {
  hiding: Uint8Array;
  binding: Uint8Array;
}

/** A signer's public commitment to its nonce pair: two 33-byte compressed points. */
export interface SigningCommitment {
  hiding: Uint8Array;
  binding: Uint8Array;
}

/**
 * The user's key package, as the SDK's `IKeyPackage`: the user's secret key (32 bytes), its public
 * key (33) and the verifying key (33) = user public key + operator group public key, untweaked.
 */
export interface KeyPackage {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  verifyingKey: Uint8Array;
}

/** Commitments of the signing operators keyed by 64-hex identifier (the SDK's `statechainCommitments`). */
export type CommitmentMap = Record<string, SigningCommitment>;
