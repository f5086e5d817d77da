import { describe, expect, it } from 'vitest';
import { planLeafExit } from './exit-plan.js';
import { leafFixture } from './testing/fixture.js';
import { parseExitTx } from './transactions.js';

const txid = (hex: string): string => parseExitTx(hex, 't').txid;

describe('exit plan', () => {
  it('deposit leaf, cpfp: zero-fee root and CPFP refund, both with anchor children', () => {
    const { leaf } = leafFixture();
    const plan = planLeafExit(leaf, 'cpfp');
    expect(plan.map((s) => [s.kind, s.tx.txid, s.needsAnchorChild])).toEqual([
      ['node', txid(leaf.nodes[0]!.nodeTx), true],
      ['refund', txid(leaf.refunds.cpfp), true],
    ]);
  });

  it('deposit leaf (no direct node tx), direct: root with its anchor child, then the fee-paying direct-from-CPFP refund', () => {
    const { leaf } = leafFixture();
    const plan = planLeafExit(leaf, 'direct');
    expect(plan.map((s) => [s.tx.txid, s.needsAnchorChild])).toEqual([
      [txid(leaf.nodes[0]!.nodeTx), true],
      [txid(leaf.refunds.directFromCpfp!), false],
    ]);
  });

  it('deeper leaf with a direct node tx: ancestors by nodeTx, the leaf by directTx, then the direct refund', () => {
    const { leaf } = leafFixture({ depth: 3, withDirect: true });
    const plan = planLeafExit(leaf, 'direct');
    expect(plan.map((s) => s.tx.txid)).toEqual([
      txid(leaf.nodes[0]!.nodeTx),
      txid(leaf.nodes[1]!.nodeTx),
      txid(leaf.nodes[2]!.directTx!),
      txid(leaf.refunds.direct!),
    ]);
    expect(plan.map((s) => s.needsAnchorChild)).toEqual([true, true, false, false]);
  });

  it('a leaf without a fee-paying refund has no direct exit', () => {
    const { leaf } = leafFixture();
    delete leaf.refunds.directFromCpfp;
    expect(() => planLeafExit(leaf, 'direct')).toThrow(expect.objectContaining({ code: 'VARIANT_UNAVAILABLE' }) as Error);
  });
});
