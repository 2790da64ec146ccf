// One transaction, opened from the list: its check history and messages, and actions on it alone.
import { useState } from 'preact/hooks';
import { get, post } from '../api';
import type { ConfirmRequest } from '../components/confirm';
import { Badge, Empty, Mono, Notice, TextBlock } from '../components/ui';
import { plural, time } from '../format';
import { useLoad } from '../hooks';
import type { TransactionDetail } from '../types';
import { VERB, type Action } from './transaction-actions';

export function TransactionPanel({
  id,
  confirm,
  onChanged,
}: {
  id: string;
  confirm: (request: ConfirmRequest) => void;
  onChanged: () => Promise<void>;
}) {
  const detail = useLoad(() => get<TransactionDetail>(`/v1/transactions/${id}`), [id]);
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (action: Action) => {
    setBusy(true);
    try {
      const answer = await post<{
        state: string;
        checked?: boolean;
        lastCheck?: { outcome: string; error?: string } | null;
      }>(`/v1/admin/transactions/${id}/${action}`);
      if (action === 'recheck') {
        setResult({
          kind: 'success',
          text: answer.checked
            ? `Check sent: the producer answered ${answer.lastCheck?.outcome}${answer.lastCheck?.error ? ` (${answer.lastCheck.error})` : ''}; the transaction is ${answer.state}.`
            : `Check requested; it was not recorded yet. The transaction is ${answer.state}.`,
        });
      } else
        setResult({ kind: 'success', text: `${VERB[action].done}: the transaction is ${answer.state}.` });
    } catch (error) {
      setResult({ kind: 'error', text: `${VERB[action].label} failed: ${(error as Error).message}` });
    } finally {
      setBusy(false);
    }
    await detail.reload();
    await onChanged();
  };
  const ask = (action: Action) =>
    action === 'recheck'
      ? void act(action)
      : confirm({
          title: `${VERB[action].label} this transaction?`,
          body: `${VERB[action].label} transaction ${id} (${plural(detail.data?.messages.length ?? 0, 'message')}). ${VERB[action].effect}`,
          confirmLabel: VERB[action].label,
          danger: true,
          onConfirm: () => void act(action),
        });

  const tx = detail.data;
  return (
    <div class="panel-inner">
      {result ? <Notice kind={result.kind}>{result.text}</Notice> : null}
      {detail.error ? <Notice kind="error">{detail.error}</Notice> : null}
      {tx ? (
        <>
          <div class="detail-head">
            <Mono>{tx.id}</Mono> <Badge value={tx.state} />
            <span class="muted">
              created {time(tx.createdAt)} · {tx.checks} checks
              {tx.resolvedBy ? ` · resolved by ${tx.resolvedBy} at ${time(tx.resolvedAt)}` : ''}
            </span>
            <span class="spacer" />
            {tx.state === 'PREPARED' || tx.state === 'STUCK' ? (
              <>
                <button type="button" class="secondary" disabled={busy} onClick={() => ask('recheck')}>
                  {busy ? 'Working…' : 'Recheck now'}
                </button>
                <button type="button" class="danger" disabled={busy} onClick={() => ask('commit')}>
                  Commit
                </button>
                <button type="button" class="danger" disabled={busy} onClick={() => ask('rollback')}>
                  Roll back
                </button>
              </>
            ) : null}
          </div>
          <div class="two-columns">
            <div>
              <h3>Check history</h3>
              {tx.checkHistory.length === 0 ? (
                <Empty>
                  No check sent yet{tx.nextCheckAt ? `; the first is due at ${time(tx.nextCheckAt)}` : ''}.
                </Empty>
              ) : (
                <table class="compact">
                  <thead>
                    <tr>
                      <th class="num">#</th>
                      <th>At</th>
                      <th>Outcome</th>
                      <th class="num">HTTP</th>
                      <th class="num">ms</th>
                      <th>Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {tx.checkHistory.map((check) => (
                      <tr key={`${check.attempt}-${check.at}`}>
                        <td class="num">{check.attempt}</td>
                        <td>{time(check.at)}</td>
                        <td>
                          <Badge value={check.outcome} />
                        </td>
                        <td class="num">{check.httpStatus ?? '—'}</td>
                        <td class="num">{check.latencyMs}</td>
                        <td class="wrap">{check.error ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <div>
              <h3>Messages</h3>
              {tx.messages.map((message) => (
                <div class="message-card" key={message.id}>
                  <div>
                    <a href={`#/messages/${message.id}`} class="mono">
                      {message.id}
                    </a>{' '}
                    → <strong>{message.topic}</strong>
                    {message.key ? <span class="muted"> · key {message.key}</span> : null}
                    {message.tag ? <span class="muted"> · tag {message.tag}</span> : null}
                  </div>
                  <TextBlock value={message.body} />
                </div>
              ))}
            </div>
          </div>
        </>
      ) : (
        <Empty>Loading…</Empty>
      )}
    </div>
  );
}
