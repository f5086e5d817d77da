/**
 * Crash points for fault tests. With SPARK_OPERATOR_CRASH_AT="<operator index>:<step>" in its
 * environment, the operator of that index kills itself with SIGKILL when it reaches the step,
 * exactly as a crash there would: no cleanup, no flush beyond what is already committed. Unset
 * (always, outside tests), a crash point does nothing.
 */
export type CrashStep =
  | 'send:prepared' // the coordinator: every operator prepared, refunds not signed
  | 'send:decided' // the coordinator: commit written with its replication records, none delivered
  | 'send:peer-prepared' // a peer: its prepare committed, not answered
  | 'claim:prepared' // the coordinator: every operator prepared the claim
  | 'claim:decided' // the coordinator: claim commit written with its replication records, none delivered
  | 'decision:peer-apply' // a peer: a replicated transfer decision arrived, not applied
  | 'renew:signed' // the coordinator: a renewal's transactions FROST-signed, nothing stored
  | 'renew:decided' // the coordinator: the renewal applied with its replication records, none delivered
  | 'renew:peer-apply'; // a peer: a replicated renewal arrived, not applied

export function crashPoint(operatorIndex: number, step: CrashStep): void {
  if (process.env.SPARK_OPERATOR_CRASH_AT === `${operatorIndex}:${step}`) process.kill(process.pid, 'SIGKILL');
}
