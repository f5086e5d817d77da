/**
 * The signing-round event model. A round is one FROST signature the device contributes to: the
 * wallet fetched the operators' commitments, asked the device for the user's share, the user
 * approved or rejected it on the screen (a blind share; a clear-signed share of a transaction
 * that pays the user, or fits an approved transfer, is signed without a screen), the share was
 * aggregated with the operators' shares, and the wallet delivered the result to the operators.
 * A send's one approval of the whole transfer on the device (TRANSFER_INTENT) is a round of its
 * own kind in the send, with no share. Rounds belong to an operation (a deposit claim, a send, or
 * background work the SDK does by itself such as claiming incoming transfers). The flow is
 * described in docs/architecture.md, section "How a signing round flows (deposit)".
 */
export type RoundStepName =
  /** signFrost was called with the operators' commitments in hand. */
  | 'commitments-fetched'
  /** The first chunk of the request reached the device (again, blind, if the device could not classify the transaction). */
  | 'device-asked'
  /** The last chunk reached the device and the request is one the device reviews on its screen. */
  | 'waiting-for-user'
  | 'approved'
  | 'rejected'
  /** The device share was aggregated with the operators' shares into a BIP340 signature. */
  | 'aggregated'
  /** The wallet delivered the signatures and the operators accepted them (the operation ended well). */
  | 'shares-sent'
  /** The round ended without a signature: device gone, operator failure, or the operation failed. */
  | 'aborted'
  /**
   * Background work only: the device gave its share, but the wallet reported no end of the work
   * within the grace period (the SDK retries incoming claims by itself). Closes the round.
   */
  | 'unconfirmed';

export type RoundOutcome = 'in-progress' | 'completed' | 'rejected' | 'aborted' | 'unconfirmed';

export interface RoundStep {
  name: RoundStepName;
  /** Epoch milliseconds, sub-millisecond precision. */
  at: number;
  /** Milliseconds since the round started. */
  elapsedMs: number;
  detail?: string;
}

export type OperationKind = 'claim-deposit' | 'send' | 'background';

/**
 * What the round asks of the device: a FROST share (FROST_SIGN blind, FROST_SIGN_TX clear), or
 * the approval of a whole transfer (TRANSFER_INTENT: total and receiver on the screen).
 */
export type RoundKind = 'frost-share' | 'transfer-approval';

export interface SigningRound {
  id: string;
  kind: RoundKind;
  operationId: string;
  operationKind: OperationKind;
  /** Which key signs, from the SDK's key derivation (e.g. "leaf", "deposit"); "transfer" for an approval. */
  keyKind: string;
  /** Number of operator commitments the share was computed against (0 for an approval). */
  operatorCount: number;
  startedAt: number;
  steps: RoundStep[];
  outcome: RoundOutcome;
}

export interface Operation {
  id: string;
  kind: OperationKind;
  label: string;
  startedAt: number;
  endedAt?: number;
  outcome: 'running' | 'succeeded' | 'failed';
  error?: { code: string; message: string };
  roundIds: string[];
}

/** What the event stream carries: a round after each of its steps, or an operation change. */
export type RoundStreamEvent =
  | { type: 'round-step'; round: SigningRound; step: RoundStep }
  | { type: 'operation'; operation: Operation };
