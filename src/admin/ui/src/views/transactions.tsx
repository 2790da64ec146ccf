// Transactions: the stuck summary first, then open transactions with filters, a row's check
// history and messages, and single, selected or filter-wide Recheck / Commit / Rollback.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get, post, query, type Page } from '../api';
import type { ConfirmRequest } from '../components/confirm';
import {
  Badge,
  DetailRow,
  Empty,
  ExpandButton,
  LoadMore,
  Mono,
  Notice,
  Section,
  SelectCell,
} from '../components/ui';
import { age, count, plural, time } from '../format';
import { useLoad, usePages, useSelection } from '../hooks';
import type { BulkResult, OpenTransaction, StuckSummaryRow } from '../types';
import { ACTIONS, VERB, type Action } from './transaction-actions';
import { TransactionPanel } from './transaction-panel';
import { StuckSummary } from './stuck-summary';

interface Filters {
  state: string;
  producerGroup: string;
  olderThanSeconds: string;
}

const FILTER_LIMIT = 10_000;

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

      <StuckSummary
        rows={summary.data}
        error={summary.error}
        onShow={(row) => {
          const next = { state: row.state, producerGroup: row.producerGroup, olderThanSeconds: '' };
          setDraft(next);
          setFilters(next);
        }}
      />

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
          {ACTIONS.map((action) => (
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
          {ACTIONS.map((action) => (
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
                    <SelectCell
                      label={`Select ${row.id}`}
                      checked={selected.has(row.id)}
                      onToggle={() => toggle(row.id)}
                    />
                    <td>
                      <ExpandButton
                        id={row.id}
                        open={open === row.id}
                        onToggle={() => setOpen(open === row.id ? null : row.id)}
                      />
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
                  <DetailRow open={open === row.id} colSpan={9}>
                    <TransactionPanel id={row.id} confirm={confirm} onChanged={refresh} />
                  </DetailRow>
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
