import QRCode from 'qrcode';
import { BridgeError } from '../core/errors.js';
import type { BridgeCore } from '../core/bridge-core.js';
import { speculosSource, nodeHidSource } from '../core/device/device-source.js';
import type { PairingRegistry } from './pairing.js';

/**
 * What the bridge's own UI can ask the core, by name: one table serves the headless server's UI
 * routes and the Electron shell's IPC, so the two cannot drift. Arguments arrive as untrusted
 * JSON and are checked here; results are JSON (amounts as decimal strings).
 */
export function createUiOperations(core: BridgeCore, pairing: PairingRegistry) {
  return {
    status: () => ({
      device: core.device.status(),
      wallet: { open: core.session().isOpen, error: core.lastWalletError()?.message ?? null, errorCode: core.lastWalletError()?.code ?? null },
    }),
    identity: () => core.session().identityInfo(),
    balance: () => core.session().balance(),
    depositAddress: async () => {
      const address = await core.session().depositAddress();
      return { address, qrSvg: await QRCode.toString(address, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
    },
    claimDeposit: (args: unknown) => core.claimDeposit(stringArg(args, 'txid')),
    send: (args: unknown) => core.send(stringArg(args, 'receiverSparkAddress'), satsArg(args, 'amountSats')),
    transfers: () => core.session().transfers(),
    rounds: () => ({ rounds: core.recorder.rounds(), operations: core.recorder.operations() }),
    retryWallet: () => core.openAccounts().then(() => ({ open: core.session().isOpen })),
    exitNow: (args: unknown) => core.exitNow({ to: stringArg(args, 'to'), variant: variantArg(args) }),
    pairings: () => ({ pending: pairing.listPending(), apps: pairing.listApps() }),
    approvePairing: (args: unknown) => pairing.approve(stringArg(args, 'requestId'), stringArg(args, 'code')),
    denyPairing: (args: unknown) => {
      pairing.deny(stringArg(args, 'requestId'));
      return { denied: true };
    },
    revokeApp: (args: unknown) => pairing.revoke(stringArg(args, 'appId')).then(() => ({ revoked: true })),
    /** Developers point the bridge at Speculos (host:port), or back at USB with "usb". */
    setDeviceSource: (args: unknown) => {
      const where = stringArg(args, 'address');
      if (where === 'usb') return core.device.setSource(nodeHidSource());
      const m = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(where);
      if (m === null) throw new BridgeError('INVALID_REQUEST', 'a Speculos address is 127.0.0.1:<apdu port> (loopback only), or "usb"');
      return core.device.setSource(speculosSource('127.0.0.1', Number(m[2])));
    },
  } satisfies Record<string, (args: unknown) => unknown>;
}

export type UiOperations = ReturnType<typeof createUiOperations>;
export type UiOperationName = keyof UiOperations;

export function isUiOperation(ops: UiOperations, name: string): name is UiOperationName {
  return Object.prototype.hasOwnProperty.call(ops, name);
}

function stringArg(args: unknown, name: string): string {
  const v = (args as Record<string, unknown> | null)?.[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 512) throw new BridgeError('INVALID_REQUEST', `${name} must be a non-empty string`);
  return v.trim();
}

function variantArg(args: unknown): 'direct' | 'cpfp' {
  const v = (args as Record<string, unknown> | null)?.variant ?? 'direct';
  if (v !== 'direct' && v !== 'cpfp') throw new BridgeError('INVALID_REQUEST', 'variant must be "direct" or "cpfp"');
  return v;
}

function satsArg(args: unknown, name: string): bigint {
  const v = (args as Record<string, unknown> | null)?.[name];
  const text = typeof v === 'number' ? String(v) : v;
  if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text)) throw new BridgeError('INVALID_REQUEST', `${name} must be a whole positive number of sats`);
  return BigInt(text);
}
