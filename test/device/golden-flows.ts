import { describe, expect, it } from 'vitest';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import type { SparkLedgerApp } from '../../src/device/app.js';
import { UserRejectedError } from '../../src/device/errors.js';
import type { KeyRef } from '../../src/device/keyref.js';
import type { ExitSweepRequest, FrostSignRequest } from '../../src/device/messages.js';
import { Transaction, p2tr } from '@scure/btc-signer';
import { has, type PageHook, review, setBlindSigning, waitHome } from '../../emulator/speculos/flows.js';
import { GoldenFlowRecorder } from '../../emulator/speculos/goldens.js';
import type { SpeculosModel } from '../../emulator/speculos/runner.js';
import type { SpeculosDriver } from '../../emulator/speculos/driver.js';
import { expectedPublicKey } from './expected-keys.js';
import { deviceForSuite, type DeviceFixture } from './fixture.js';
import { makeOperatorGroup, operatorNonces, verifyingKeyFor } from './frost-operators.js';

/** What a flow's walk gets: the device, and where each screen it shows goes. */
export interface GoldenWalk {
  dev: DeviceFixture;
  /** Captures the current screen as a page titled `title` (a repeat of a captured screen is dropped). */
  shot(title: string): Promise<void>;
  /** The same, as a review walk's page hook (flows.review), under the page's title. */
  onPage: PageHook;
}

/** One flow whose every screen has a golden: test/device/goldens/<model>/<name>/NN-<title>.png. */
export interface GoldenFlow {
  name: string;
  walk(w: GoldenWalk): Promise<void>;
}

/**
 * A command's review walked to "Reject": every content page, then "Approve" and "Reject", all
 * captured; the command must then fail with UserRejectedError and the device show Home. Blind
 * signing reviews get the setting turned on first. This is the one-liner a new review's
 * goldens need: `reviewFlow('name', 'First title', (app) => app.someCommand(...))`.
 */
export function reviewFlow(
  name: string,
  firstTitle: string,
  start: (app: SparkLedgerApp) => Promise<unknown>,
  opts: { blindSigning?: boolean } = {},
): GoldenFlow {
  return {
    name,
    async walk({ dev, onPage }) {
      if (opts.blindSigning === true && !(await dev.app.getVersion()).blindSigningEnabled) {
        await setBlindSigning(dev.screen, true);
      }
      const settled = start(dev.app).then(
        () => new Error(`${name}: the command succeeded although the review was rejected`),
        (err: unknown) => err,
      );
      await review(dev.screen, firstTitle, 'reject', { onPage });
      expect(await settled).toBeInstanceOf(UserRejectedError);
      await waitHome(dev.screen);
    },
  };
}

/** Presses `button`, waits for the page that shows all of `words`, captures it under words[0]. */
async function step(screen: SpeculosDriver, shot: GoldenWalk['shot'], button: 'left' | 'right' | 'both', ...words: string[]): Promise<void> {
  await screen.press(button);
  await screen.waitForScreen(has(...words));
  await shot(words[0] ?? '');
}

/**
 * The menus: Home, its Settings and Quit pages, and Settings with blind signing off and on and
 * its Back page. Leaves blind signing as it found it (off at app start).
 */
const menus: GoldenFlow = {
  name: 'menus',
  async walk({ dev, shot }) {
    const s = dev.screen;
    if ((await dev.app.getVersion()).blindSigningEnabled) {
      await setBlindSigning(s, false);
    }
    await waitHome(s);
    await shot('Spark Signer');
    await step(s, shot, 'right', 'Settings');
    await step(s, shot, 'right', 'Quit');
    await step(s, shot, 'left', 'Settings');
    await step(s, shot, 'both', 'Blind signing', 'Disabled');
    await step(s, shot, 'both', 'Blind signing', 'Enabled');
    await step(s, shot, 'right', 'Back');
    await step(s, shot, 'left', 'Blind signing', 'Enabled');
    await step(s, shot, 'both', 'Blind signing', 'Disabled');
    await step(s, shot, 'right', 'Back');
    await step(s, shot, 'both', 'Settings');
    await step(s, shot, 'left', 'Spark Signer', 'Ready');
  },
};

// Fixed inputs: every screen a flow shows depends only on these, so the goldens are stable.
const LEAF_ID = '0d4f3a8e-5b1c-4e7a-9f2d-1a2b3c4d5e6f';
const leaf: KeyRef = { kind: 'leaf', account: 0, leafId: LEAF_ID };
const H = 0x80000000;
const fixed = (label: string): Uint8Array => sha256(new TextEncoder().encode(`golden ${label}`));

/** A FROST_SIGN for `key` over a fixed message; the package is fresh and valid (not shown). */
async function frostSign(app: SparkLedgerApp, key: KeyRef): Promise<Uint8Array> {
  const group = makeOperatorGroup(2, 3);
  const [userCommitment] = await app.frostCommit(1);
  if (userCommitment === undefined) {
    throw new Error('FROST_COMMIT returned no commitment');
  }
  const req: FrostSignRequest = {
    key,
    message: fixed('frost message'),
    verifyingKey: verifyingKeyFor(expectedPublicKey(key), group),
    userCommitment,
    operators: operatorNonces(group.operators.slice(0, 2)).map((o) => o.commitment),
  };
  return await app.frostSign(req);
}

const P2WPKH = Uint8Array.from([0x00, 0x14, ...fixed('destination').slice(0, 20)]);
const P2TR = Uint8Array.from([0x51, 0x20, ...fixed('taproot destination')]); // the longest address (bech32m)

/** A sweep of a 100,000-sat exit output to a fixed regtest address, fee 1,000 sats. */
function exitSweep(refundKey: KeyRef, script = P2WPKH): ExitSweepRequest {
  return {
    refundKey,
    network: 'regtest',
    version: 2,
    locktime: 0,
    prevout: { txid: fixed('prevout'), vout: 1, amount: 100_000n },
    sequence: 2000,
    output: { script, amount: 99_000n },
  };
}

const receiver = secp256k1.getPublicKey(fixed('receiver'), true);

/** A FROST_SIGN_TX of a leaf's refund that pays a fixed stranger 100,000 sats, fee 0 (no intent: the "Pay" review). */
async function frostSignTxToStranger(app: SparkLedgerApp, key: KeyRef): Promise<Uint8Array> {
  const group = makeOperatorGroup(2, 3);
  const [userCommitment] = await app.frostCommit(1);
  if (userCommitment === undefined) {
    throw new Error('FROST_COMMIT returned no commitment');
  }
  const verifyingKey = verifyingKeyFor(expectedPublicKey(key), group);
  const nodeScript = p2tr(verifyingKey.slice(1)).script;
  const tx = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  tx.addInput({ txid: fixed('node tx'), index: 0, sequence: 1900 });
  tx.addOutput({ script: p2tr(secp256k1.getPublicKey(fixed('stranger'), true).slice(1)).script, amount: 100_000n });
  tx.addOutput({ script: Uint8Array.from([0x51, 0x02, 0x4e, 0x73]), amount: 0n });
  return await app.frostSignTx({
    key,
    verifyingKey,
    userCommitment,
    operators: operatorNonces(group.operators.slice(0, 2)).map((o) => o.commitment),
    network: 'REGTEST',
    inputIndex: 0,
    tx: tx.toBytes(true, false),
    prevouts: [{ amount: 100_000n, script: nodeScript }],
  });
}

/**
 * A cooperative exit of two leaves (150,000 sats) whose exit transaction pays the fixed P2WPKH
 * destination 149,000 sats (fee 1,000), and its connector (one output per leaf and the fee bump):
 * the EXIT_INTENT review.
 */
function exitIntent(app: SparkLedgerApp): Promise<void> {
  const exit = new Transaction({ version: 2, lockTime: 0, allowUnknownOutputs: true });
  exit.addInput({ txid: fixed('provider coin'), index: 0, sequence: 0xfffffffd });
  exit.addOutput({ script: P2WPKH, amount: 149_000n });
  exit.addOutput({ script: P2TR, amount: 990n });
  const exitTx = exit.toBytes(true, false);
  const connector = new Transaction({ version: 3, lockTime: 0, allowUnknownOutputs: true });
  connector.addInput({ txid: sha256(sha256(exitTx)).reverse(), index: 1 });
  for (let i = 0; i < 3; i++) connector.addOutput({ script: P2TR, amount: 330n });
  return app.exitIntent({
    account: 0,
    network: 'REGTEST',
    receiver,
    leaves: [{ id: 'golden-leaf-1', value: 100_000n, refundTimelock: 2000 }, { id: 'golden-leaf-2', value: 50_000n, refundTimelock: 2000 }],
    payoutVout: 0,
    exitTx,
    connectorTx: connector.toBytes(true, false),
  });
}

/**
 * Every screen the app shows today. Commands that show nothing (GET_VERSION, FROST_COMMIT,
 * HTLC_HMAC, ECIES_PUBLIC_KEY, a KEY_SPLIT claim, GET_PUBLIC_KEY without display) and refusals
 * (status words only; the device stays on Home: PROTOCOL.md) have no screens of their own.
 */
export const GOLDEN_FLOWS: readonly GoldenFlow[] = [
  menus,
  reviewFlow('verify-key-identity', 'Verify key', (app) => app.getPublicKey({ kind: 'identity', account: 0 }, { display: true })),
  reviewFlow('verify-key-signing-base', 'Verify key', (app) => app.getPublicKey({ kind: 'signingBase', account: 0 }, { display: true })),
  reviewFlow('verify-key-htlc-base', 'Verify key', (app) => app.getPublicKey({ kind: 'htlcPreimage', account: 255 }, { display: true })),
  reviewFlow('verify-key-static-deposit', 'Verify key', (app) => app.getPublicKey({ kind: 'staticDeposit', account: 2, index: 7 }, { display: true })),
  reviewFlow('verify-key-leaf-id', 'Verify key', (app) => app.getPublicKey(leaf, { display: true })),
  reviewFlow('verify-key-leaf-path', 'Verify key', (app) => app.getPublicKey({ kind: 'path', path: [8797555 + H, H, 1 + H, 12345 + H] }, { display: true })),
  reviewFlow('sign-identity-ecdsa', 'Blind signing', (app) => app.signIdentity(fixed('digest'), 'ecdsa-der'), { blindSigning: true }),
  reviewFlow('sign-identity-ecdsa-compact', 'Blind signing', (app) => app.signIdentity(fixed('digest'), 'ecdsa-compact'), { blindSigning: true }),
  reviewFlow('sign-identity-schnorr', 'Blind signing', (app) => app.signIdentity(fixed('digest'), 'schnorr', 3), { blindSigning: true }),
  reviewFlow('frost-sign-leaf', 'Blind signing', (app) => frostSign(app, leaf), { blindSigning: true }),
  reviewFlow('frost-sign-deposit', 'Blind signing', (app) => frostSign(app, { kind: 'deposit', account: 0 }), { blindSigning: true }),
  reviewFlow('frost-sign-static-deposit', 'Blind signing', (app) => frostSign(app, { kind: 'staticDeposit', account: 0, index: 1 }), { blindSigning: true }),
  reviewFlow('export-static-key', 'Export key', (app) => app.exportStaticDepositKey(0)),
  reviewFlow('key-split-send-leaf', 'Send leaf', (app) => app.keySplit({ mode: 'transfer', leaf, receiverPublicKey: receiver, threshold: 2, numShares: 3 })),
  reviewFlow('exit-sweep-leaf', 'Exit sweep', (app) => app.signExitSweep(exitSweep(leaf))),
  reviewFlow('exit-sweep-leaf-p2tr', 'Exit sweep', (app) => app.signExitSweep(exitSweep(leaf, P2TR))),
  reviewFlow('exit-sweep-identity', 'Exit sweep', (app) => app.signExitSweep(exitSweep({ kind: 'identity', account: 0 }))),
  reviewFlow('transfer-intent', 'Send', (app) =>
    app.transferIntent({ account: 0, network: 'REGTEST', receiver, leaves: [{ id: 'golden-leaf-1', value: 100_000n, refundTimelock: 2000 }, { id: 'golden-leaf-2', value: 50_000n, refundTimelock: 2000 }] }),
  ),
  reviewFlow('frost-sign-tx-pay', 'Pay', (app) => frostSignTxToStranger(app, leaf)),
  reviewFlow('swap-intent', 'Swap', (app) =>
    app.swapIntent({ account: 0, network: 'REGTEST', receiver, leaves: [{ id: 'golden-leaf-1', value: 100_000n, refundTimelock: 2000 }] }),
  ),
  reviewFlow('exit-intent', 'Withdraw', exitIntent),
];

/**
 * One test per flow on one model: the flow is walked on a fresh-started app (blind signing off),
 * every distinct screen captured and compared with its golden (UPDATE_GOLDENS=1 rewrites them).
 */
export function describeGoldens(model: SpeculosModel, flows: readonly GoldenFlow[] = GOLDEN_FLOWS): void {
  describe(`golden screenshots on ${model}`, () => {
    const dev = deviceForSuite({ model });
    for (const flow of flows) {
      it(flow.name, async () => {
        const recorder = new GoldenFlowRecorder(model, flow.name);
        const shot = async (title: string): Promise<void> => recorder.capture(dev.screen, title);
        await flow.walk({ dev, shot, onPage: recorder.pageHook(dev.screen) });
        recorder.verify();
      });
    }
  });
}
