// The bridge's UI: one page, Preact + htm (no build step). Everything it shows comes from the
// core through client.js: state by calls, changes by the event stream.
import { h, render } from 'preact';
import { useEffect, useReducer, useState, useCallback } from 'preact/hooks';
import htm from 'htm';
import { createClient } from './client.js';

const html = htm.bind(h);
const client = createClient();

const STEP_LABELS = {
  'commitments-fetched': 'commitments fetched',
  'device-asked': 'device asked',
  'waiting-for-user': 'waiting for you',
  approved: 'approved',
  rejected: 'rejected',
  aggregated: 'aggregated',
  'shares-sent': 'shares sent',
  aborted: 'aborted',
  unconfirmed: 'no end reported',
};

/** A share the device signed with no screen of its own (clear signing) was not "approved" by anyone just then. */
const stepLabel = (s) => (s.name === 'approved' && s.detail?.startsWith('signed by the device without') ? 'signed (no screen)' : STEP_LABELS[s.name] || s.name);

// When each round step reached the page and when it was drawn (epoch ms): read by the benchmark
// and the e2e test to measure the UI's time to show a step after it happened.
window.bridgeStepsShown = [];
const stepReceivedAt = new Map();
const nowMs = () => performance.timeOrigin + performance.now();

const initial = { prompt: null, lastPrompt: null, device: null, connected: false, rounds: new Map(), operations: new Map(), progress: new Map(), pairings: { pending: [], apps: [] }, wallet: null, changes: 0 };

function reducer(state, e) {
  switch (e.type) {
    case 'connection':
      return { ...state, connected: e.ok };
    case 'device':
      return { ...state, device: e.status };
    case 'wallet':
      return { ...state, wallet: e };
    case 'changed':
      return { ...state, changes: state.changes + 1 };
    case 'device-prompt':
      // A review is on the device's screen until its answer arrives; then it is cleared here too.
      if (e.state === 'showing') return { ...state, prompt: e, lastPrompt: null };
      return { ...state, prompt: state.prompt?.prompt.id === e.prompt.id ? null : state.prompt, lastPrompt: e };
    case 'progress': {
      const progress = new Map(state.progress);
      progress.set(e.progress.task, e.progress);
      return { ...state, progress };
    }
    case 'round-step': {
      const rounds = new Map(state.rounds);
      rounds.set(e.round.id, e.round);
      return { ...state, rounds };
    }
    case 'operation': {
      const operations = new Map(state.operations);
      operations.set(e.operation.id, e.operation);
      return { ...state, operations };
    }
    case 'pairings':
      return { ...state, pairings: { pending: e.pending, apps: e.apps } };
    case 'snapshot':
      return {
        ...state,
        rounds: new Map(e.rounds.map((r) => [r.id, r])),
        operations: new Map(e.operations.map((o) => [o.id, o])),
      };
    default:
      return state;
  }
}

function useAction(setError) {
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (work) => {
      setBusy(true);
      setError(null);
      try {
        return await work();
      } catch (err) {
        setError({ code: err.code || 'ERROR', message: err.message });
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [setError],
  );
  return [busy, run];
}

function DeviceStatus({ device, wallet, onRetry }) {
  if (device === null) return html`<section class="card" data-testid="device">Looking for your Ledger…</section>`;
  return html`<section class="card device ${device.state}" data-testid="device" data-state=${device.state}>
    <h2>Device</h2>
    <p class="state"><span class="dot"></span> ${device.message}</p>
    <p class="muted">${device.source}${device.appVersion ? ` · Spark Signer ${device.appVersion}` : ''}</p>
    ${wallet && html`<p data-testid="wallet-state" data-state=${wallet.state} class=${wallet.state === 'failed' ? 'bad' : ''}>Wallet: ${wallet.message}
      ${wallet.state === 'failed' && html` <button onClick=${onRetry}>Retry</button>`}</p>`}
  </section>`;
}

function Balance({ balance }) {
  return html`<section class="card" data-testid="balance-card">
    <h2>Balance</h2>
    <p class="balance" data-testid="balance">${balance === null ? '—' : `${Number(balance.availableSats).toLocaleString('en-US')} sats`}</p>
    ${balance && balance.incomingSats !== '0' && html`<p class="muted">incoming: ${balance.incomingSats} sats</p>`}
  </section>`;
}

function Receive({ run, busy, identity }) {
  const [deposit, setDeposit] = useState(null);
  const [txid, setTxid] = useState('');
  const [claimed, setClaimed] = useState(null);
  const qr = deposit ? `data:image/svg+xml;base64,${btoa(deposit.qrSvg)}` : null;
  return html`<section class="card" data-testid="receive">
    <h2>Receive</h2>
    ${identity && html`<p class="muted">Your Spark address: <code data-testid="spark-address">${identity.sparkAddress}</code></p>`}
    <button data-testid="new-deposit" disabled=${busy} onClick=${() => run(async () => setDeposit(await client.op('depositAddress')))}>New Bitcoin deposit address</button>
    ${deposit &&
    html`<div class="deposit"><img alt="QR code of the deposit address" src=${qr} width="180" height="180" data-testid="deposit-qr" />
      <code data-testid="deposit-address">${deposit.address}</code></div>`}
    <form onSubmit=${(ev) => {
      ev.preventDefault();
      setClaimed(null);
      void run(async () => setClaimed(await client.op('claimDeposit', { txid: txid.trim() })));
    }}>
      <label>Claim a confirmed deposit (transaction id)
        <input data-testid="claim-txid" value=${txid} onInput=${(ev) => setTxid(ev.currentTarget.value)} placeholder="64 hex characters" /></label>
      <button data-testid="claim" disabled=${busy || txid.trim().length === 0}>Claim deposit</button>
    </form>
    ${claimed && html`<p class="good" data-testid="claimed">Claimed ${claimed.claimedSats} sats</p>`}
  </section>`;
}

function Send({ run, busy }) {
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [sent, setSent] = useState(null);
  return html`<section class="card" data-testid="send">
    <h2>Send</h2>
    <form onSubmit=${(ev) => {
      ev.preventDefault();
      setSent(null);
      void run(async () => setSent(await client.op('send', { receiverSparkAddress: to.trim(), amountSats: amount.trim() })));
    }}>
      <label>Spark address <input data-testid="send-to" value=${to} onInput=${(ev) => setTo(ev.currentTarget.value)} placeholder="spark1…" /></label>
      <label>Amount (sats) <input data-testid="send-amount" value=${amount} inputmode="numeric" onInput=${(ev) => setAmount(ev.currentTarget.value)} /></label>
      <button data-testid="send-button" disabled=${busy || to.length === 0 || amount.length === 0}>Send</button>
    </form>
    ${sent && html`<p class="good" data-testid="sent">Sent ${sent.amountSats} sats (${sent.status})</p>`}
  </section>`;
}

/** What the device answered to the last review, in words ("approved", "rejected", "the device went away"). */
const PROMPT_ENDED = {
  approved: 'You approved it on your Ledger.',
  rejected: 'You rejected it on your Ledger: nothing was signed.',
  aborted: 'The Ledger did not answer (it was unplugged, locked, or the app was closed): nothing was signed.',
};

/**
 * Mirrors the device: while a review waits on its screen, say here what it shows (from the
 * request the bridge sent, not read from the device), and clear it when the device answers.
 */
function DevicePrompt({ prompt, lastPrompt }) {
  if (prompt !== null) {
    const p = prompt.prompt;
    return html`<section class="prompt" data-testid="device-prompt" data-kind=${p.kind} data-amount=${p.amountSats ?? ''} data-to=${p.to ?? ''} role="alert">
      <strong data-testid="device-prompt-text">${p.text}</strong>
      <div class="device-screen">
        <div>${p.title}</div>
        ${p.lines.map((l) => html`<div>${l}</div>`)}
        ${p.to && html`<div>To ${p.to}</div>`}
      </div>
      Compare with your Ledger's screen, then approve or reject on the device.
    </section>`;
  }
  if (lastPrompt === null) return null;
  return html`<p class=${lastPrompt.state === 'approved' ? 'good' : 'bad'} data-testid="device-prompt-ended" data-state=${lastPrompt.state}>
    ${lastPrompt.prompt.title}: ${PROMPT_ENDED[lastPrompt.state]}
  </p>`;
}

function Timeline({ rounds, operations }) {
  const list = [...rounds.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, 30);
  useEffect(() => {
    const at = nowMs();
    for (const r of list) {
      for (const s of r.steps) {
        const key = `${r.id}/${s.name}`;
        if (!stepReceivedAt.has(key) || window.bridgeStepsShown.some((x) => x.key === key)) continue;
        window.bridgeStepsShown.push({ key, roundId: r.id, step: s.name, happenedAt: s.at, receivedAt: stepReceivedAt.get(key), shownAt: at });
      }
    }
  });
  return html`<section class="card wide" data-testid="timeline">
    <h2>Signing rounds</h2>
    ${list.length === 0 && html`<p class="muted">No signing yet. Each FROST signature your Ledger contributes appears here, live.</p>`}
    <ol class="rounds">
      ${list.map((r) => {
        const op = operations.get(r.operationId);
        const what = r.kind === 'transfer-approval' ? 'transfer approval on the device' : `${r.keyKind} key · ${r.operatorCount} operators`;
        return html`<li key=${r.id} class="round ${r.outcome}" data-testid="round" data-kind=${r.kind} data-outcome=${r.outcome}>
          <div class="round-head"><b>${op ? op.label : r.operationKind}</b> · ${what} · <span class="outcome">${r.outcome}</span></div>
          <ol class="steps">${r.steps.map((s) => html`<li data-step=${s.name} title=${s.detail || ''}>${stepLabel(s)} <span class="muted">+${s.elapsedMs.toFixed(0)} ms</span>${s.name === 'aborted' && s.detail ? html` <span class="bad">${s.detail}</span>` : ''}</li>`)}</ol>
        </li>`;
      })}
    </ol>
  </section>`;
}

function History({ transfers }) {
  return html`<section class="card wide" data-testid="history">
    <h2>Transfers</h2>
    ${transfers.length === 0 && html`<p class="muted">No transfers yet.</p>`}
    <table>${transfers.map((t) => html`<tr key=${t.id} data-testid="transfer" data-direction=${t.direction}>
      <td>${t.direction === 'INCOMING' ? 'received' : 'sent'}</td><td>${t.amountSats} sats</td><td>${t.status}</td><td class="muted">${t.createdAt || ''}</td></tr>`)}</table>
  </section>`;
}

function Progress({ progress }) {
  const running = [...progress.values()].filter((p) => p.state === 'running');
  if (running.length === 0) return null;
  return html`<section class="progress" data-testid="progress">${running.map((p) => html`<p key=${p.task}><span class="spinner"></span> ${p.message}</p>`)}</section>`;
}

function Pairings({ pairings, run }) {
  return html`<section class="card wide" data-testid="pairings">
    <h2>Applications using this wallet</h2>
    ${pairings.pending.map((p) => html`<div class="pending" key=${p.requestId} data-testid="pairing-request">
      <p><b>${p.name}</b> (${p.origin === 'null' ? 'a program on this computer' : p.origin}) asks to use your wallet. Code: <code data-testid="pairing-code">${p.code}</code></p>
      <p class="muted">Confirm only if the application shows the same code.</p>
      <button data-testid="pairing-approve" onClick=${() => run(() => client.op('approvePairing', { requestId: p.requestId, code: p.code }))}>Codes match: allow</button>
      <button onClick=${() => run(() => client.op('denyPairing', { requestId: p.requestId }))}>Deny</button></div>`)}
    ${pairings.apps.length === 0 && html`<p class="muted">No paired applications.</p>`}
    <ul>${pairings.apps.map((a) => html`<li key=${a.id} data-testid="paired-app">${a.name} · ${a.origin === 'null' ? 'local program' : a.origin}
      ${a.revokedAt ? html` · <i>revoked</i>` : html` <button data-testid="revoke" onClick=${() => run(() => client.op('revokeApp', { appId: a.id }))}>Revoke</button>`}</li>`)}</ul>
  </section>`;
}

/** Unilateral exit: take the funds to Bitcoin without the operators, from the stored exit data. */
function Exit({ run, busy }) {
  const [to, setTo] = useState('');
  const [result, setResult] = useState(null);
  return html`<section class="card wide" data-testid="exit">
    <h2>Leave Spark without the operators</h2>
    <p class="muted">If the Spark operators stop answering, your funds can still be taken back to Bitcoin with the exit data this computer keeps. This takes blocks of waiting and on-chain fees; your Ledger shows each sweep (fee, amount, address) for approval.</p>
    <form onSubmit=${(ev) => {
      ev.preventDefault();
      void run(async () => setResult(await client.op('exitNow', { to: to.trim() })));
    }}><label>Bitcoin address to receive the funds <input data-testid="exit-to" value=${to} onInput=${(ev) => setTo(ev.currentTarget.value)} /></label>
    <button data-testid="exit-now" disabled=${busy || to.trim() === ''}>Exit now</button></form>
    ${result && html`<ul data-testid="exit-result">${result.leaves.map((l) => html`<li key=${l.leafId}>Leaf ${l.leafId.slice(0, 8)}…: ${l.broadcastTxids.length} transactions on chain, ${l.sweptSats} sats swept to ${result.to} (<code>${l.sweepTxid.slice(0, 16)}…</code>)</li>`)}
      ${result.leftBehind.map((l) => html`<li key=${l.leafId} data-testid="exit-left-behind">Leaf ${l.leafId.slice(0, 8)}…: ${l.valueSats} sats left on Spark, too small to pay for its own exit</li>`)}</ul>`}
  </section>`;
}

function Developer({ device, run }) {
  const [address, setAddress] = useState('');
  return html`<details class="card wide"><summary>Developer: device source</summary>
    <form onSubmit=${(ev) => {
      ev.preventDefault();
      void run(() => client.op('setDeviceSource', { address: address.trim() }));
    }}><label>Speculos APDU address or "usb" <input data-testid="device-source" value=${address} placeholder=${device ? device.source : ''} onInput=${(ev) => setAddress(ev.currentTarget.value)} /></label>
    <button>Use</button></form></details>`;
}

function App() {
  const [state, dispatch] = useReducer(reducer, initial);
  const [error, setError] = useState(null);
  const [busy, run] = useAction(setError);
  const [balance, setBalance] = useState(null);
  const [identity, setIdentity] = useState(null);
  const [transfers, setTransfers] = useState([]);

  useEffect(() => {
    const off = client.onEvent((e) => {
      if (e.type === 'round-step') stepReceivedAt.set(`${e.round.id}/${e.step.name}`, nowMs());
      dispatch(e);
    });
    void client.op('rounds').then((s) => dispatch({ type: 'snapshot', ...s }));
    void client.op('pairings').then((p) => dispatch({ type: 'pairings', ...p }));
    void client.op('status').then((s) => {
      dispatch({ type: 'device', status: s.device });
      if (s.wallet.open) dispatch({ type: 'wallet', state: 'open', message: 'open' });
      else if (s.wallet.error) dispatch({ type: 'wallet', state: 'failed', message: s.wallet.error });
    });
    return off;
  }, []);

  const walletOpen = state.wallet?.state === 'open';
  useEffect(() => {
    if (!walletOpen) return;
    client.op('identity').then(setIdentity, () => undefined);
    client.op('balance').then(setBalance, (err) => setError({ code: err.code, message: err.message }));
    // A failure here is shown, not hidden behind "No transfers yet".
    client.op('transfers').then(setTransfers, (err) => setError({ code: err.code, message: err.message }));
  }, [walletOpen, state.changes]);

  const retry = () => run(() => client.op('retryWallet'));
  return html`<div class="layout">
    <header><h1>Spark Bridge</h1>${!state.connected && html`<span class="bad" data-testid="disconnected">not connected to the bridge</span>`}</header>
    ${error && html`<section class="error" data-testid="error" data-code=${error.code} role="alert"><b>${error.code}</b> ${error.message} <button onClick=${() => setError(null)}>Dismiss</button></section>`}
    <${Progress} progress=${state.progress} />
    <${DevicePrompt} prompt=${state.prompt} lastPrompt=${state.lastPrompt} />
    <div class="grid">
      <${DeviceStatus} device=${state.device} wallet=${state.wallet} onRetry=${retry} />
      <${Balance} balance=${balance} />
      <${Receive} run=${run} busy=${busy || !walletOpen} identity=${identity} />
      <${Send} run=${run} busy=${busy || !walletOpen} />
      <${Timeline} rounds=${state.rounds} operations=${state.operations} />
      <${History} transfers=${transfers} />
      <${Pairings} pairings=${state.pairings} run=${run} />
      <${Exit} run=${run} busy=${busy || state.device?.state !== 'ready'} />
      <${Developer} device=${state.device} run=${run} />
    </div>
  </div>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the static "Loading…" placeholder
render(html`<${App} />`, root);
