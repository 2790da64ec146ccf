// Transactions: the stuck summary first, then open transactions with filters, a row's check
// history and messages, and single, selected or filter-wide Recheck / Commit / Rollback.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get, post, query, type Page } from '../api';
import type { ConfirmRequest } from '../components/confirm';
import { Badge, Empty, LoadMore, Mono, Notice, Section, TextBlock } from '../components/ui';
import { age, count, plural, shortId, time } from '../format';
import { useLoad, usePages, useSelection } from '../hooks';
import type { BulkResult, OpenTransaction, StuckSummaryRow, TransactionDetail } from '../types';

type Action = 'recheck' | 'commit' | 'rollback';
interface Filters {
  state: string;
  producerGroup: string;
  olderThanSeconds: string;
}

const FILTER_LIMIT = 10_000;
const VERB: Record<Action, { label: string; done: string; effect: string; danger: boolean }> = {
  recheck: {
    label: 'Recheck',
    done: 'Recheck requested for',
    effect: 'Each producer is asked once more; only an explicit COMMIT or ROLLBACK resolves a transaction.',
    danger: false,
  },
  commit: {
    label: 'Commit',
    done: 'Committed',
    effect: 'Their messages become visible and are delivered to consumers. This cannot be undone.',
    danger: true,
  },
  rollback: {
    label: 'Roll back',
    done: 'Rolled back',
    effect: 'Their messages are discarded and never delivered. This cannot be undone.',
    danger: true,
  },
};

export function TransactionsView({
  params,
  confirm,
}: {
  params: URLSearchParams;
  confirm: (request: ConfirmRequest) => void;
}) {
  const [filters, setFilters] = useState<Filters>({
    state: params.get('state') ?? '',
    producerGroup: params.get('producerGroup') ?? '',
    olderThanSeconds: params.get('olderThanSeconds') ?? '',
  });
  const [draft, setDraft] = useState<Filters>(filters);
  const { selected, toggle, select } = useSelection();
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<{
    kind: 'success' | 'error';
    text: string;
    failures?: BulkResult['failed'];
  } | null>(null);

  const filterQuery = { producerGroup: filters.producerGroup, olderThanSeconds: filters.olderThanSeconds };
  const summary = useLoad(
    () => get<StuckSummaryRow[]>(`/v1/admin/transactions/stuck-summary${query(filterQuery)}`),
    [filters],
  );
  const list = usePages(
    (cursor) =>
      get<Page<OpenTransaction>>(
        `/v1/admin/transactions${query({ ...filterQuery, state: filters.state, limit: 100, cursor })}`,
      ),
    [filters],
  );
  const rows = list.rows;

  const refresh = async () => {
    select([]);
    await Promise.all([summary.reload(), list.reload()]);
  };

  const runBulk = async (action: Action, body: Record<string, unknown>, what: string) => {
    try {
      const result = await post<BulkResult>('/v1/admin/transactions/bulk', { action, ...body });
      setNotice({
        kind: result.failed.length > 0 ? 'error' : 'success',
        text: `${VERB[action].done} ${result.succeeded} of ${plural(result.matched, 'transaction')} (${what}).${result.failed.length > 0 ? ` ${result.failed.length} failed:` : ''}`,
        failures: result.failed,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: `${VERB[action].label} failed: ${(error as Error).message}` });
    }
    await refresh();
  };

  const actOnSelected = (action: Action) => {
    const ids = [...selected];
    confirm({
      title: `${VERB[action].label} ${plural(ids.length, 'transaction')}?`,
      body: `${VERB[action].label} the ${plural(ids.length, 'selected transaction')}. ${VERB[action].effect}`,
      confirmLabel: `${VERB[action].label} ${ids.length}`,
      danger: VERB[action].danger,
      onConfirm: () => void runBulk(action, { ids }, 'selected'),
    });
  };

  const actOnFilter = async (action: Action) => {
    const matching = await countMatching(filters);
    const described = describeFilter(filters);
    if (matching === 0) {
      setNotice({ kind: 'error', text: `Nothing matches ${described}.` });
      return;
    }
    const capped = Math.min(matching, FILTER_LIMIT);
    confirm({
      title: `${VERB[action].label} ${plural(capped, 'transaction')}?`,
      body: `${VERB[action].label} ${capped === matching ? 'all ' : 'the oldest '}${plural(capped, 'transaction')} matching ${described}${matching > FILTER_LIMIT ? ` (${count(matching)} match; one action changes at most ${count(FILTER_LIMIT)})` : ''}. ${VERB[action].effect}`,
      confirmLabel: `${VERB[action].label} ${capped}`,
      danger: VERB[action].danger,
      onConfirm: () =>
        void runBulk(
          action,
          {
            filter: {
              state: filters.state,
              ...(filters.producerGroup ? { producerGroup: filters.producerGroup } : {}),
              ...(filters.olderThanSeconds ? { olderThanSeconds: Number(filters.olderThanSeconds) } : {}),
            },
          },
          described,
        ),
    });
  };

  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.id));

  return (
    <div class="stack">
      {notice ? (
        <Notice kind={notice.kind}>
          {notice.text}
          {notice.failures && notice.failures.length > 0 ? (
            <ul class="failures">
              {notice.failures.slice(0, 20).map((failure) => (
                <li key={failure.id}>
                  <Mono>{failure.id}</Mono>: {failure.error} — {failure.message}
                </li>
              ))}
            </ul>
          ) : null}
          <button type="button" class="link" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </Notice>
      ) : null}

      <Section title="Stuck summary">
        {summary.error ? <Notice kind="error">{summary.error}</Notice> : null}
        {summary.data && summary.data.length === 0 ? (
          <Empty>Nothing is stuck and every producer has answered its checks. Nothing to do here.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Producer group</th>
                <th>State</th>
                <th>Last check said</th>
                <th class="num">Count</th>
                <th>Oldest</th>
                <th>Newest</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(summary.data ?? []).map((row) => (
                <tr key={`${row.producerGroup}|${row.state}|${row.lastError}`}>
                  <td>{row.producerGroup}</td>
                  <td>
                    <Badge value={row.state} />
                  </td>
                  <td class="wrap bad-text">{row.lastError ?? <span class="muted">no check yet</span>}</td>
                  <td class="num strong">{count(row.count)}</td>
                  <td>{time(row.oldestAt)}</td>
                  <td>{time(row.newestAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        const next = {
                          state: row.state,
                          producerGroup: row.producerGroup,
                          olderThanSeconds: '',
                        };
                        setDraft(next);
                        setFilters(next);
                      }}
                    >
                      Show these
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Open transactions">
        <form
          class="filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters(draft);
          }}
        >
          <label>
            State
            <select
              value={draft.state}
              onChange={(e) => setDraft({ ...draft, state: e.currentTarget.value })}
            >
              <option value="">STUCK and PREPARED</option>
              <option value="STUCK">STUCK</option>
              <option value="PREPARED">PREPARED</option>
            </select>
          </label>
          <label>
            Producer group
            <input
              value={draft.producerGroup}
              placeholder="any"
              onInput={(e) => setDraft({ ...draft, producerGroup: e.currentTarget.value.trim() })}
            />
          </label>
          <label>
            Older than (s)
            <input
              value={draft.olderThanSeconds}
              inputMode="numeric"
              placeholder="0"
              onInput={(e) => setDraft({ ...draft, olderThanSeconds: e.currentTarget.value.trim() })}
            />
          </label>
          <button type="submit" class="primary">
            Apply filters
          </button>
        </form>

        <div class="actions-bar">
          <span class="muted">
            {selected.size > 0 ? `${selected.size} selected` : 'Select rows to act on them'}
          </span>
          {(['recheck', 'commit', 'rollback'] as Action[]).map((action) => (
            <button
              key={action}
              type="button"
              class={VERB[action].danger ? 'danger' : 'secondary'}
              disabled={selected.size === 0}
              onClick={() => actOnSelected(action)}
            >
              {VERB[action].label} selected
            </button>
          ))}
          <span class="spacer" />
          {(['recheck', 'commit', 'rollback'] as Action[]).map((action) => (
            <button
              key={action}
              type="button"
              class="secondary"
              disabled={!filters.state}
              title={
                filters.state
                  ? `Act on every ${filters.state} transaction matching the filters`
                  : 'Choose a state filter to act on everything it matches'
              }
              onClick={() => void actOnFilter(action)}
            >
              {VERB[action].label} all matching
            </button>
          ))}
        </div>

        {list.error ? <Notice kind="error">{list.error}</Notice> : null}
        {list.data && rows.length === 0 ? (
          <Empty>No open transaction matches {describeFilter(filters)}.</Empty>
        ) : (
          <table class="selectable">
            <thead>
              <tr>
                <th class="check">
                  <input
                    type="checkbox"
                    aria-label="Select all shown"
                    checked={allSelected}
                    onChange={() => select(allSelected ? [] : rows.map((row) => row.id))}
                  />
                </th>
                <th>Transaction</th>
                <th>Producer group</th>
                <th>State</th>
                <th class="num">Age</th>
                <th class="num">Checks</th>
                <th>Last check</th>
                <th>Next check</th>
                <th>Messages</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <tr class={open === row.id ? 'open' : ''}>
                    <td class="check">
                      <input
                        type="checkbox"
                        aria-label={`Select ${row.id}`}
                        checked={selected.has(row.id)}
                        onChange={() => toggle(row.id)}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="link mono"
                        title={row.id}
                        onClick={() => setOpen(open === row.id ? null : row.id)}
                      >
                        {open === row.id ? '▾' : '▸'} {shortId(row.id)}
                      </button>
                    </td>
                    <td>{row.producerGroup}</td>
                    <td>
                      <Badge value={row.state} />
                    </td>
                    <td class="num">{age(row.ageSeconds)}</td>
                    <td class="num">{row.checks}</td>
                    <td class="wrap">
                      {row.lastCheck ? (
                        <>
                          <Badge value={row.lastCheck.outcome} />{' '}
                          {row.lastCheck.error ??
                            (row.lastCheck.httpStatus ? `HTTP ${row.lastCheck.httpStatus}` : '')}
                        </>
                      ) : (
                        <span class="muted">none yet</span>
                      )}
                    </td>
                    <td>
                      {row.nextCheckAt ? (
                        time(row.nextCheckAt)
                      ) : (
                        <span class="muted">{row.state === 'STUCK' ? 'never (stuck)' : '—'}</span>
                      )}
                    </td>
                    <td class="wrap">
                      {row.messages.length} · {[...new Set(row.messages.map((m) => m.topic))].join(', ')}
                    </td>
                  </tr>
                  {open === row.id ? (
                    <tr class="detail-row">
                      <td colSpan={9}>
                        <TransactionPanel id={row.id} confirm={confirm} onChanged={refresh} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore pages={list} />
      </Section>
    </div>
  );
}

/** One transaction: its check history and messages, and actions on it alone. */
function TransactionPanel({
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

function describeFilter(filters: Filters): string {
  const parts = [filters.state || 'STUCK or PREPARED'];
  if (filters.producerGroup) parts.push(`in ${filters.producerGroup}`);
  if (filters.olderThanSeconds) parts.push(`older than ${age(Number(filters.olderThanSeconds))}`);
  return parts.join(' ');
}

/** How many transactions a filter-wide action would change, counted through the list (≤ 10,001). */
async function countMatching(filters: Filters): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const page: Page<OpenTransaction> = await get<Page<OpenTransaction>>(
      `/v1/admin/transactions${query({ state: filters.state, producerGroup: filters.producerGroup, olderThanSeconds: filters.olderThanSeconds, limit: 500, cursor })}`,
    );
    total += page.items.length;
    cursor = page.nextCursor;
  } while (cursor && total <= FILTER_LIMIT);
  return total;
}
