// Consumer groups: backlog per group; a group's delivery controls (pause and resume, each push
// endpoint's circuit); its dead letters with last error and attempt log, redriven selected or all.
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
  TextBlock,
  TopicLink,
} from '../components/ui';
import { age, count, plural, time } from '../format';
import { useLoad, usePages, useSelection } from '../hooks';
import type {
  ConsumerGroup as GroupDetail,
  DeadLetter,
  EndpointState,
  MessageDetail,
  Overview,
} from '../types';
import { BacklogTable } from './overview';

export function ConsumerGroupsView() {
  const overview = useLoad(() => get<Overview>('/v1/admin/overview'), [], 5000);
  return (
    <Section title="Consumer groups · backlog">
      {overview.error ? <Notice kind="error">{overview.error}</Notice> : null}
      {!overview.data ? (
        <Empty>Loading…</Empty>
      ) : overview.data.consumerGroups.length === 0 ? (
        <Empty>No consumer groups yet. Create one with PUT /v1/consumer-groups/&#123;group&#125;.</Empty>
      ) : (
        <BacklogTable groups={overview.data.consumerGroups} />
      )}
    </Section>
  );
}

export function ConsumerGroupView({
  name,
  confirm,
}: {
  name: string;
  confirm: (request: ConfirmRequest) => void;
}) {
  const group = useLoad(
    () => get<GroupDetail>(`/v1/consumer-groups/${encodeURIComponent(name)}`),
    [name],
    5000,
  );
  const deadLetters = usePages(
    (cursor) =>
      get<Page<DeadLetter>>(
        `/v1/consumer-groups/${encodeURIComponent(name)}/dead-letters${query({ limit: 100, cursor })}`,
      ),
    [name],
  );
  const { selected, toggle, select } = useSelection();
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const rows = deadLetters.rows;

  const redrive = (ids: string[] | null) => {
    const total = ids ? ids.length : (group.data?.stats.deadLetters ?? rows.length);
    confirm({
      title: `Redrive ${plural(total, 'dead letter')}?`,
      body: `${ids ? 'The selected' : 'All'} ${plural(total, 'dead letter')} of ${name} go back to delivery, attempts starting again at 1. Consumers receive them again.`,
      confirmLabel: `Redrive ${total}`,
      onConfirm: () => void run(),
    });
    const run = async () => {
      try {
        const result = await post<{ redriven: number }>(
          `/v1/consumer-groups/${encodeURIComponent(name)}/dead-letters/redrive`,
          ids ? { ids } : {},
        );
        setNotice({
          kind: 'success',
          text: `Redriven: ${plural(result.redriven, 'dead letter')} of ${name} are being delivered again.`,
        });
      } catch (error) {
        setNotice({ kind: 'error', text: `Redrive failed: ${(error as Error).message}` });
      }
      select([]);
      await Promise.all([deadLetters.reload(), group.reload()]);
    };
  };

  const setPaused = (pause: boolean) => {
    const backlog = group.data ? group.data.stats.ready + group.data.stats.retrying : 0;
    confirm({
      title: pause ? `Pause ${name}?` : `Resume ${name}?`,
      body: pause
        ? `${name} gets nothing — push or pull — until it is resumed. Its backlog is kept; messages committed meanwhile wait with it.`
        : `${name} gets its backlog of ${plural(backlog, 'message')} now, in order, and new messages as they are committed.`,
      confirmLabel: pause ? 'Pause delivery' : 'Resume delivery',
      danger: pause,
      onConfirm: () => void run(),
    });
    const run = async () => {
      try {
        await post(`/v1/consumer-groups/${encodeURIComponent(name)}/${pause ? 'pause' : 'resume'}`, {});
        setNotice({ kind: 'success', text: pause ? `${name} is paused.` : `${name} is delivering again.` });
      } catch (error) {
        setNotice({
          kind: 'error',
          text: `${pause ? 'Pause' : 'Resume'} failed: ${(error as Error).message}`,
        });
      }
      await group.reload();
    };
  };

  const g = group.data;
  return (
    <div class="stack">
      <p>
        <a href="#/consumer-groups">← All consumer groups</a>
      </p>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {group.error ? <Notice kind="error">{group.error}</Notice> : null}
      {g ? (
        <Section
          title={`Consumer group ${g.name}`}
          actions={
            <button
              type="button"
              class={g.stats.paused ? 'primary' : 'secondary'}
              onClick={() => setPaused(!g.stats.paused)}
            >
              {g.stats.paused ? 'Resume delivery' : 'Pause delivery'}
            </button>
          }
        >
          <dl class="facts">
            <dt>State</dt>
            <dd>
              <Badge value={g.stats.paused ? 'paused' : 'delivering'} />
              {g.stats.paused && g.stats.pausedAt ? (
                <span class="muted">
                  {' '}
                  since {time(g.stats.pausedAt)} by {g.stats.pausedBy ?? 'unknown'}
                </span>
              ) : null}
            </dd>
            <dt>Topic</dt>
            <dd>
              <TopicLink name={g.topic} />
            </dd>
            <dt>Delivery</dt>
            <dd>
              {g.delivery.type} · {g.mode}
              {g.ordered ? ' · ordered' : ''} {g.delivery.url ? <Mono>{g.delivery.url}</Mono> : null}
              {g.delivery.urls ? <Mono>{g.delivery.urls.join(', ')}</Mono> : null}
            </dd>
            <dt>Max retries</dt>
            <dd>{g.maxRetries}</dd>
            {g.delivery.type === 'push' ? (
              <>
                <dt>Rate limit</dt>
                <dd>{g.delivery.maxPerSecond ? `${g.delivery.maxPerSecond} messages/s` : 'none'}</dd>
                <dt>Circuit breaker</dt>
                <dd>
                  {g.delivery.circuitBreaker
                    ? `opens after ${plural(g.delivery.circuitBreaker.failures, 'failure')} in a row; a probe every ${g.delivery.circuitBreaker.probeSeconds} s`
                    : 'none'}
                </dd>
              </>
            ) : null}
            <dt>Backlog</dt>
            <dd>
              {count(g.stats.ready)} ready · {count(g.stats.inflight)} in flight · {count(g.stats.retrying)}{' '}
              retrying · {count(g.stats.delayed)} delayed · oldest ready {age(g.stats.oldestReadyAgeSeconds)}
            </dd>
            <dt>Acked</dt>
            <dd>{count(g.stats.ackedTotal)}</dd>
          </dl>
          {/* Circuits are tracked only where a breaker is configured; elsewhere they would always read closed. */}
          {g.delivery.circuitBreaker && g.stats.endpoints?.length ? (
            <Endpoints endpoints={g.stats.endpoints} />
          ) : null}
        </Section>
      ) : null}
      <Section
        title={`Dead letters${g ? ` (${count(g.stats.deadLetters)})` : ''}`}
        actions={
          <>
            <button
              type="button"
              class="secondary"
              disabled={selected.size === 0}
              onClick={() => redrive([...selected])}
            >
              Redrive selected ({selected.size})
            </button>
            <button type="button" class="primary" disabled={rows.length === 0} onClick={() => redrive(null)}>
              Redrive all
            </button>
          </>
        }
      >
        {deadLetters.error ? <Notice kind="error">{deadLetters.error}</Notice> : null}
        {deadLetters.data && rows.length === 0 ? (
          <Empty>No dead letters: every message of this group was delivered or is still being tried.</Empty>
        ) : (
          <table class="selectable">
            <thead>
              <tr>
                <th class="check" />
                <th>Message</th>
                <th>Key</th>
                <th>Tag</th>
                <th class="num">Attempts</th>
                <th>Last error</th>
                <th>Dead since</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <tr>
                    <SelectCell
                      label={`Select dead letter ${row.message.id}`}
                      checked={selected.has(row.id)}
                      onToggle={() => toggle(row.id)}
                    />
                    <td>
                      <ExpandButton
                        id={row.message.id}
                        open={open === row.id}
                        onToggle={() => setOpen(open === row.id ? null : row.id)}
                      />
                      {row.member ? <span class="muted"> · {row.member}</span> : null}
                    </td>
                    <td>{row.message.key ?? <span class="muted">—</span>}</td>
                    <td>{row.message.tag ?? <span class="muted">—</span>}</td>
                    <td class="num">{row.attempts}</td>
                    <td class="wrap bad-text">{row.lastError ?? ''}</td>
                    <td>{time(row.deadAt)}</td>
                  </tr>
                  <DetailRow open={open === row.id} colSpan={7}>
                    <AttemptLog messageId={row.message.id} group={name} body={row.message.body} />
                  </DetailRow>
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore pages={deadLetters} />
      </Section>
    </div>
  );
}

/** Each push endpoint with its circuit: closed (delivering), open (held back) or half-open (probing). */
function Endpoints({ endpoints }: { endpoints: EndpointState[] }) {
  return (
    <table class="compact" aria-label="Push endpoints">
      <thead>
        <tr>
          <th>Endpoint</th>
          <th>Circuit</th>
          <th>Since</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {endpoints.map((endpoint) => (
          <tr key={endpoint.url}>
            <td>
              <Mono>{endpoint.url}</Mono>
            </td>
            <td>
              <Badge value={endpoint.circuit} />
            </td>
            <td>{time(endpoint.since)}</td>
            {/* Red only while the circuit keeps the endpoint out; once closed it is history. */}
            {endpoint.circuit === 'closed' ? (
              <td class="wrap muted">
                {endpoint.lastError ? `before it closed: ${endpoint.lastError}` : '—'}
              </td>
            ) : (
              <td class="wrap bad-text">{endpoint.lastError ?? ''}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every delivery attempt of one message to one group, from the message's trace. */
function AttemptLog({ messageId, group, body }: { messageId: string; group: string; body: unknown }) {
  const message = useLoad(() => get<MessageDetail>(`/v1/messages/${messageId}`), [messageId]);
  const attempts = (message.data?.trace ?? []).filter((event) => event.consumerGroup === group);
  return (
    <div class="two-columns">
      <div>
        <h3>Attempt log</h3>
        {message.error ? <Notice kind="error">{message.error}</Notice> : null}
        <table class="compact">
          <thead>
            <tr>
              <th>At</th>
              <th>Event</th>
              <th class="num">#</th>
              <th>Outcome</th>
              <th class="num">HTTP</th>
              <th>Response or error</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((event, i) => (
              <tr key={i}>
                <td>{time(event.at)}</td>
                <td>{event.type}</td>
                <td class="num">{event.attempt ?? ''}</td>
                <td>{typeof event.outcome === 'string' ? <Badge value={event.outcome} /> : ''}</td>
                <td class="num">{typeof event.httpStatus === 'number' ? event.httpStatus : ''}</td>
                <td class="wrap">{String(event.error ?? event.response ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <a href={`#/messages/${messageId}`}>Open the message's full trace →</a>
        </p>
      </div>
      <div>
        <h3>Body</h3>
        <TextBlock value={body} />
      </div>
    </div>
  );
}
