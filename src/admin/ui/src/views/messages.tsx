// Messages: search by id, key, topic, tag and time; a message's body, deliveries and trace timeline.
import { useState } from 'preact/hooks';
import { get, query, type Page } from '../api';
import { Badge, Empty, LoadMore, Mono, Notice, Section, TextBlock, TopicLink } from '../components/ui';
import { Durability } from './topics';
import { time } from '../format';
import { useLoad, usePages } from '../hooks';
import type { MessageDetail, MessageSummary, TraceEvent } from '../types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Search {
  topic: string;
  key: string;
  tag: string;
  from: string;
  to: string;
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : '');

export function MessagesView({ params }: { params: URLSearchParams }) {
  const [id, setId] = useState('');
  const [draft, setDraft] = useState<Search>({
    topic: params.get('topic') ?? '',
    key: params.get('key') ?? '',
    tag: params.get('tag') ?? '',
    from: '',
    to: '',
  });
  const [search, setSearch] = useState<Search>(draft);
  const [idError, setIdError] = useState<string | null>(null);
  const filterQuery = {
    topic: search.topic,
    key: search.key,
    tag: search.tag,
    from: toIso(search.from),
    to: toIso(search.to),
    limit: 50,
  };
  const list = usePages(
    (cursor) => get<Page<MessageSummary>>(`/v1/messages${query({ ...filterQuery, cursor })}`),
    [search],
  );
  const rows = list.rows;
  const onInput = (name: keyof Search) => (e: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [name]: e.currentTarget.value.trim() });
  const field = (name: keyof Search, label: string) => (
    <label>
      {label}
      {name === 'from' || name === 'to' ? (
        <input type="datetime-local" step={1} value={draft[name]} onInput={onInput(name)} />
      ) : (
        <input type="text" value={draft[name]} onInput={onInput(name)} />
      )}
    </label>
  );
  return (
    <div class="stack">
      <Section title="Find a message">
        <form
          class="filters"
          onSubmit={(event) => {
            event.preventDefault();
            if (!UUID.test(id.trim())) {
              setIdError('A message id is a UUID, e.g. 019a…-….');
              return;
            }
            setIdError(null);
            location.hash = `#/messages/${id.trim().toLowerCase()}`;
          }}
        >
          <label class="grow">
            Message id
            <input value={id} placeholder="019…" onInput={(e) => setId(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary">
            Open
          </button>
        </form>
        {idError ? <Notice kind="error">{idError}</Notice> : null}
        <form
          class="filters"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(draft);
          }}
        >
          {field('topic', 'Topic')}
          {field('key', 'Key')}
          {field('tag', 'Tag')}
          {field('from', 'From')}
          {field('to', 'To')}
          <button type="submit" class="primary">
            Search
          </button>
        </form>
      </Section>
      <Section title="Messages, newest first">
        {list.error ? <Notice kind="error">{list.error}</Notice> : null}
        {list.data && rows.length === 0 ? (
          <Empty>No message matches. Widen the time range or clear a filter.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Message</th>
                <th>Topic</th>
                <th>State</th>
                <th>Key</th>
                <th>Tag</th>
                <th>Created</th>
                <th>Published</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((message) => (
                <tr key={message.id}>
                  <td>
                    <a class="mono" href={`#/messages/${message.id}`}>
                      {message.id}
                    </a>
                  </td>
                  <td>
                    <TopicLink name={message.topic} />
                  </td>
                  <td>
                    <Badge value={message.state} />
                  </td>
                  <td>{message.key ?? <span class="muted">—</span>}</td>
                  <td>{message.tag ?? <span class="muted">—</span>}</td>
                  <td>{time(message.createdAt)}</td>
                  <td>{time(message.publishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore pages={list} />
      </Section>
    </div>
  );
}

const DETAIL_SKIP = new Set(['at', 'type', 'consumerGroup', 'attempt']);

function describe(event: TraceEvent): string {
  return Object.entries(event)
    .filter(
      ([key, value]) => !DETAIL_SKIP.has(key) && value !== null && value !== undefined && value !== false,
    )
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}

export function MessageView({ id }: { id: string }) {
  const message = useLoad(() => get<MessageDetail>(`/v1/messages/${id}`), [id], 5000);
  const m = message.data;
  return (
    <div class="stack">
      <p>
        <a href="#/messages">← Search messages</a>
      </p>
      {message.error ? <Notice kind="error">{message.error}</Notice> : null}
      {m ? (
        <>
          <Section title="Message">
            <dl class="facts">
              <dt>Id</dt>
              <dd>
                <Mono>{m.id}</Mono> <Badge value={m.state} />
              </dd>
              <dt>Topic</dt>
              <dd>
                <TopicLink name={m.topic} />{' '}
                {m.durability ? (
                  <Durability value={m.durability} />
                ) : (
                  <span class="muted">(topic deleted)</span>
                )}
              </dd>
              <dt>Schema</dt>
              <dd>
                {m.schemaVersion === null ? <span class="muted">none</span> : `version ${m.schemaVersion}`}
              </dd>
              <dt>Key · tag</dt>
              <dd>
                {m.key ?? '—'} · {m.tag ?? '—'}
              </dd>
              <dt>Transaction</dt>
              <dd>{m.transactionId ? <Mono>{m.transactionId}</Mono> : 'plain send'}</dd>
              <dt>Created · published</dt>
              <dd>
                {time(m.createdAt)} · {time(m.publishedAt)}
              </dd>
            </dl>
            <div class="two-columns">
              <div>
                <h3>Body</h3>
                <TextBlock value={m.body} />
              </div>
              <div>
                <h3>Headers</h3>
                {Object.keys(m.headers).length === 0 ? (
                  <Empty>No headers.</Empty>
                ) : (
                  <TextBlock value={m.headers} />
                )}
              </div>
            </div>
          </Section>
          <Section title="Deliveries">
            {m.deliveries.length === 0 ? (
              <Empty>
                No consumer group receives this message
                {m.state === 'COMMITTED' ? '' : ' (it is not committed)'}.
              </Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Group</th>
                    <th>State</th>
                    <th class="num">Attempts</th>
                    <th>Last error</th>
                    <th>Acked</th>
                    <th>Dead</th>
                  </tr>
                </thead>
                <tbody>
                  {m.deliveries.map((d) => (
                    <tr key={`${d.consumerGroup}|${d.member ?? ''}`}>
                      <td>
                        <a href={`#/consumer-groups/${encodeURIComponent(d.consumerGroup)}`}>
                          {d.consumerGroup}
                        </a>
                        {d.member ? <span class="muted"> · {d.member}</span> : null}
                      </td>
                      <td>
                        <Badge value={d.state} />
                      </td>
                      <td class="num">{d.attempts}</td>
                      {/* An acked delivery's last error is history (an earlier attempt), not a problem. */}
                      <td class={`wrap ${d.state === 'acked' ? 'muted' : 'bad-text'}`}>
                        {d.lastError ?? ''}
                      </td>
                      <td>{time(d.ackedAt)}</td>
                      <td>{time(d.deadAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Trace">
            <ol class="timeline" aria-label="Trace">
              {m.trace.map((event, i) => (
                <li key={i} class={`event ${event.type}`}>
                  <span class="event-time">{time(event.at)}</span>
                  <span class="event-type">{event.type}</span>
                  {event.consumerGroup ? <span class="event-group">{event.consumerGroup}</span> : null}
                  {event.attempt !== undefined ? <span class="muted">#{event.attempt}</span> : null}
                  <span class="event-detail">{describe(event)}</span>
                </li>
              ))}
            </ol>
          </Section>
        </>
      ) : (
        !message.error && <Empty>Loading…</Empty>
      )}
    </div>
  );
}
