import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Books } from './books.js';
import { ExitDesk, type ExitDeskDeps } from './exit-desk.js';
import { STATIC_SPEND_FEE_SATS } from './fees.js';
import { loadSchema } from './server.js';
import { UserRequests } from './user-requests.js';

/** What the test reads of the SDK's parsed objects (src/graphql/objects). */
interface Amount { originalValue: number }
interface SdkTransfer { sparkId?: string; totalAmount: Amount; userRequestId?: string }
interface SdkSwap { id: string; totalAmount: Amount; targetAmount: Amount; fee: Amount; inboundTransfer: SdkTransfer; outboundTransfer?: SdkTransfer; swapLeaves: { leafId: string }[] }
interface SdkExit { fee: Amount; l1BroadcastFee: Amount; transfer?: SdkTransfer }
interface SdkClaim { creditAmount: Amount; maxFee: Amount }

/**
 * The SDK's own GraphQL documents and parsers, from the sources shipped in its package (not among
 * its exports), so the test sends what the wallet sends and reads the answer as the wallet does.
 * Imported by a computed path: the type-check does not compile the SDK's sources.
 */
async function sdk<T>(path: string): Promise<T> {
  return (await import(/* @vite-ignore */ `../../node_modules/@buildonspark/spark-sdk/src/graphql/${path}.ts`)) as T;
}
const { GetTransfers } = await sdk<{ GetTransfers: string }>('queries/Transfers');
const { UserRequest } = await sdk<{ UserRequest: string }>('queries/UserRequest');
const { TransferFromJson } = await sdk<{ TransferFromJson: (o: unknown) => SdkTransfer }>('objects/Transfer');
const { LeavesSwapRequestFromJson } = await sdk<{ LeavesSwapRequestFromJson: (o: unknown) => SdkSwap }>('objects/LeavesSwapRequest');
const { CoopExitRequestFromJson } = await sdk<{ CoopExitRequestFromJson: (o: unknown) => SdkExit }>('objects/CoopExitRequest');
const { ClaimStaticDepositFromJson } = await sdk<{ ClaimStaticDepositFromJson: (o: unknown) => SdkClaim }>('objects/ClaimStaticDeposit');

const ALICE = `02${'aa'.repeat(32)}`;
const BOB = `03${'bb'.repeat(32)}`;
const id = (n: number): string => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const [PRIMARY, COUNTER, STATIC, EXIT, BOB_PRIMARY, UNKNOWN] = [1, 2, 3, 4, 5, 6].map(id) as [string, string, string, string, string, string];

/** A provider data directory with a swap and a static claim by Alice, a swap by Bob, and Alice's exit on disk. */
function provider(): UserRequests {
  const dir = mkdtempSync(join(tmpdir(), 'ssp-requests-'));
  const books = new Books(join(dir, 'books.jsonl'));
  const leaf = { leaf_id: id(10), raw_unsigned_refund_transaction: '0300' };
  books.record({ kind: 'swap', user: ALICE, primary: PRIMARY, counter: COUNTER, receivedSats: 4096, paidSats: 4096, targetSats: 1000, swapLeaves: [leaf] });
  books.record({ kind: 'claim', transfer: PRIMARY });
  books.record({ kind: 'static_claim', user: ALICE, utxo: `${'cd'.repeat(32)}:1`, transfer: STATIC, paidSats: 49_500, receivedSats: 49_500, spendTx: '02' });
  books.record({ kind: 'swap', user: BOB, primary: BOB_PRIMARY, counter: id(7), receivedSats: 64, paidSats: 64, targetSats: 64, swapLeaves: [] });
  mkdirSync(join(dir, 'exits'));
  const now = new Date().toISOString();
  writeFileSync(join(dir, 'exits', `${EXIT}.json`), JSON.stringify({
    id: 'SparkCoopExitRequest:e1', transferId: EXIT, user: ALICE, leafIds: [id(11)], feeLeafIds: [], speed: 'FAST', feeQuoteId: 'CoopExitFeeQuote:q1',
    receivedSats: 10_000, payoutSats: 9_150, l1FeeSats: 600, userFeeSats: 250, exitHex: '02ab', exitTxid: 'ef'.repeat(32), connectorHex: '03cd',
    spends: [], status: 'TX_BROADCASTED', createdAt: now, updatedAt: now,
  }));
  const exits = new ExitDesk({ dataDir: dir } as ExitDeskDeps);
  return new UserRequests({ entries: () => books.entries(), exitsOf: (u) => exits.requestsOf(u) });
}

/** Runs one of the SDK's documents against the provider's schema, as Alice. */
async function run(requests: UserRequests, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const schema = loadSchema();
  const doc = parse(query);
  expect(validate(schema, doc)).toEqual([]);
  const rootValue = {
    transfers: (a: { transfer_spark_ids: string[] }) => requests.transfers(ALICE, a.transfer_spark_ids),
    user_request: (a: { request_id: string }) => requests.byId(ALICE, a.request_id),
  };
  const r = await execute({ schema, document: doc, rootValue, variableValues: variables });
  expect(r.errors).toBeUndefined();
  return r.data as Record<string, unknown>;
}

describe('user requests read back by the wallet (transfers, user_request)', () => {
  it('answers the SDK\'s Transfers query: each known transfer of the caller with its request, parsed by the SDK; others left out', async () => {
    const data = await run(provider(), GetTransfers, { transfer_spark_ids: [UNKNOWN, PRIMARY, COUNTER, STATIC, EXIT, BOB_PRIMARY] });
    const rows = data.transfers as { transfer_user_request: { __typename: string } }[];
    // Unknown ids and Bob's swap are left out, the order asked is kept.
    expect(rows.map((t) => TransferFromJson(t).sparkId)).toEqual([PRIMARY, COUNTER, STATIC, EXIT]);
    expect(rows.map((t) => TransferFromJson(t).totalAmount.originalValue)).toEqual([4096, 4096, 49_500, 10_000]);
    expect(rows.map((t) => t.transfer_user_request.__typename)).toEqual(['LeavesSwapRequest', 'LeavesSwapRequest', 'ClaimStaticDeposit', 'CoopExitRequest']);

    const swap = LeavesSwapRequestFromJson(rows[0]?.transfer_user_request);
    expect(swap).toMatchObject({ id: `SparkLeavesSwapRequest:${COUNTER}`, status: 'SUCCEEDED', network: 'REGTEST', typename: 'LeavesSwapRequest' });
    expect([swap.totalAmount.originalValue, swap.targetAmount.originalValue, swap.fee.originalValue]).toEqual([4096, 1000, 0]);
    expect([swap.inboundTransfer.sparkId, swap.outboundTransfer?.sparkId]).toEqual([COUNTER, PRIMARY]);
    expect(swap.swapLeaves.map((l) => l.leafId)).toEqual([id(10)]);
    expect(LeavesSwapRequestFromJson(rows[1]?.transfer_user_request).id).toBe(swap.id);

    const claim = ClaimStaticDepositFromJson(rows[2]?.transfer_user_request);
    expect(claim).toMatchObject({ transactionId: 'cd'.repeat(32), outputIndex: 1, transferSparkId: STATIC, status: 'SPEND_TX_CREATED', bitcoinNetwork: 'REGTEST' });
    expect([claim.creditAmount.originalValue, claim.maxFee.originalValue]).toEqual([49_500, Number(STATIC_SPEND_FEE_SATS)]);

    const exit = CoopExitRequestFromJson(rows[3]?.transfer_user_request);
    expect(exit).toMatchObject({ id: 'SparkCoopExitRequest:e1', status: 'TX_BROADCASTED', exitSpeed: 'FAST', coopExitTxid: 'ef'.repeat(32), feeQuoteId: 'CoopExitFeeQuote:q1' });
    expect([exit.fee.originalValue, exit.l1BroadcastFee.originalValue, exit.transfer?.sparkId, exit.transfer?.userRequestId]).toEqual([250, 600, EXIT, 'SparkCoopExitRequest:e1']);
  });

  it('answers no transfer for an empty list, as for a wallet with only plain transfers', async () => {
    expect((await run(provider(), GetTransfers, { transfer_spark_ids: [] })).transfers).toEqual([]);
  });

  it('answers user_request by id for the caller\'s own requests only (getLeaveSwapRequest, getCoopExitRequest)', async () => {
    const requests = provider();
    const swap = (await run(requests, UserRequest, { request_id: `SparkLeavesSwapRequest:${COUNTER}` })).user_request;
    expect(LeavesSwapRequestFromJson(swap).outboundTransfer?.sparkId).toBe(PRIMARY);
    const exit = (await run(requests, UserRequest, { request_id: 'SparkCoopExitRequest:e1' })).user_request;
    expect(CoopExitRequestFromJson(exit).transfer?.totalAmount.originalValue).toBe(10_000);
    expect((await run(requests, UserRequest, { request_id: `SparkLeavesSwapRequest:${id(7)}` })).user_request).toBeNull();
    expect((await run(requests, UserRequest, { request_id: 'nothing' })).user_request).toBeNull();
  });
});
