/**
 * Crash points for fault tests. With SPARK_OPERATOR_CRASH_AT="<operator index>:<step>" in its
 * environment, the operator of that index kills itself with SIGKILL when it reaches the step,
 * exactly as a crash there would: no cleanup, no flush beyond what is already committed. Unset
 * (always, outside tests), a crash point does nothing.
 */
export type CrashStep =
  | 'send:coordinator-prepared' // the coordinator: its own prepare committed, no peer asked yet
  | 'send:peer-prepared' // a peer: its prepare committed, not answered
  | 'send:prepared' // the coordinator: every operator prepared, refunds not signed
  | 'send:signed' // the coordinator: the refunds FROST-signed, no decision written
  | 'send:decided' // the coordinator: commit written with its replication records, none delivered
  | 'send:delivered' // the coordinator: the commit delivered to the peers that are up, the wallet not answered
  | 'claim:coordinator-prepared' // the coordinator: its own claim prepare committed, no peer asked yet
  | 'claim:peer-prepared' // a peer: its claim prepare committed, not answered
  | 'claim:prepared' // the coordinator: every operator prepared the claim
  | 'claim:signed' // the coordinator: the claim's refunds FROST-signed, no decision written
  | 'claim:decided' // the coordinator: claim commit written with its replication records, none delivered
  | 'claim:delivered' // the coordinator: the claim commit delivered to the peers that are up, the wallet not answered
  | 'decision:peer-apply' // a peer: a replicated transfer decision arrived, not applied
  | 'renew:signed' // the coordinator: a renewal's transactions FROST-signed, nothing stored
  | 'renew:decided' // the coordinator: the renewal applied with its replication records, none delivered
  | 'renew:peer-apply' // a peer: a replicated renewal arrived, not applied
  | 'static:reserved' // the coordinator: a static deposit claim row stored and replicated, the transfer not started
  | 'static:paid'; // the coordinator: the claim's transfer committed, the spend not signed

export function crashPoint(operatorIndex: number, step: CrashStep): void {
  if (process.env.SPARK_OPERATOR_CRASH_AT === `${operatorIndex}:${step}`) process.kill(process.pid, 'SIGKILL');
}
