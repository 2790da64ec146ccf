// Topics: what each carries — its message counts and subscribers, and the schema versions its
// bodies are checked against at the door (SPEC §4).
import { get, type Page } from '../api';
import { Badge, Empty, Notice, Section, TextBlock, TopicLink } from '../components/ui';
import { count, time } from '../format';
import { useLoad } from '../hooks';
import type { TopicDetail, TopicSchemas, TopicSummary } from '../types';

const topicPath = (name: string) => `/v1/topics/${encodeURIComponent(name)}`;

/** A topic's durability, with what it promises (SPEC §4). */
export function Durability({ value }: { value: 'sync' | 'async' }) {
  return value === 'sync' ? (
    <span class="badge good" title="answered once on disk: nothing acknowledged is lost on a crash">
      sync
    </span>
  ) : (
    <span
      class="badge warn"
      title="answered before the WAL is on disk: a crash can lose what was acknowledged in its last moments (up to 3 × wal_writer_delay)"
    >
      async
    </span>
  );
}

function SchemaSetting({ topic }: { topic: TopicSummary }) {
  if (!topic.schema) return <span class="muted">none: any body</span>;
  return (
    <>
      version {topic.schema.version} <span class="muted">· {topic.schema.compatibility}</span>
    </>
  );
}

export function TopicsView() {
  const topics = useLoad(
    async () => {
      const page = await get<Page<TopicSummary>>('/v1/topics?limit=500');
      return Promise.all(page.items.map((topic) => get<TopicDetail>(topicPath(topic.name))));
    },
    [],
    15_000,
  );
  return (
    <Section title="Topics">
      {topics.error ? <Notice kind="error">{topics.error}</Notice> : null}
      {!topics.data ? (
        <Empty>Loading…</Empty>
      ) : topics.data.length === 0 ? (
        <Empty>No topics yet. A topic is created with PUT /v1/topics/&#123;topic&#125;.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Topic</th>
              <th>Description</th>
              <th>Schema</th>
              <th>Durability</th>
              <th class="num">Committed</th>
              <th class="num">Prepared</th>
              <th class="num">Consumer groups</th>
            </tr>
          </thead>
          <tbody>
            {topics.data.map((topic) => (
              <tr key={topic.name}>
                <td>
                  <TopicLink name={topic.name} />
                </td>
                <td class="wrap">{topic.description || <span class="muted">—</span>}</td>
                <td>
                  <SchemaSetting topic={topic} />
                </td>
                <td>
                  <Durability value={topic.durability} />
                </td>
                <td class="num">{count(topic.counts.messages.committed)}</td>
                <td class="num">{count(topic.counts.messages.prepared)}</td>
                <td class="num">{count(topic.counts.consumerGroups)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function TopicView({ name }: { name: string }) {
  const loaded = useLoad(
    async () => {
      const [topic, schemas] = await Promise.all([
        get<TopicDetail>(topicPath(name)),
        get<TopicSchemas>(`${topicPath(name)}/schemas`),
      ]);
      return { topic, schemas };
    },
    [name],
    15_000,
  );
  const topic = loaded.data?.topic;
  const schemas = loaded.data?.schemas;
  // Newest version first; within a version the tag-wide schema, then each tag's.
  const versions = [...(schemas?.items ?? [])].sort(
    (a, b) => b.version - a.version || (a.tag ?? '').localeCompare(b.tag ?? ''),
  );
  return (
    <div class="stack">
      <p>
        <a href="#/topics">← All topics</a>
      </p>
      {loaded.error ? <Notice kind="error">{loaded.error}</Notice> : null}
      {topic ? (
        <Section title={`Topic ${topic.name}`}>
          <dl class="facts">
            <dt>Description</dt>
            <dd>{topic.description || <span class="muted">—</span>}</dd>
            <dt>Schema</dt>
            <dd>
              <SchemaSetting topic={topic} />
            </dd>
            <dt>Durability</dt>
            <dd>
              <Durability value={topic.durability} />{' '}
              <span class="muted">
                {topic.durability === 'sync'
                  ? 'every acknowledged request is on disk before its answer'
                  : 'acknowledged before the WAL is on disk: a crash can lose the last moments, never deliver what was not committed'}
              </span>
            </dd>
            <dt>Messages</dt>
            <dd>
              {count(topic.counts.messages.committed)} committed · {count(topic.counts.messages.prepared)}{' '}
              prepared · {count(topic.counts.messages.rolledBack)} rolled back{' '}
              <a href={`#/messages?topic=${encodeURIComponent(topic.name)}`}>search</a>
            </dd>
            <dt>Consumer groups</dt>
            <dd>{count(topic.counts.consumerGroups)}</dd>
            <dt>Created</dt>
            <dd>{time(topic.createdAt)}</dd>
          </dl>
        </Section>
      ) : null}
      {schemas ? (
        <Section title={`Schema versions (${versions.length})`}>
          {versions.length === 0 ? (
            <Empty>
              No schema: every body is accepted. A version is stored with PUT /v1/topics/{name}
              /schemas/&#123;version&#125; and used once the topic names it.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Tag</th>
                  <th>State</th>
                  <th>Created</th>
                  <th>JSON Schema (2020-12) of the body</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={`${v.version}/${v.tag ?? ''}`} data-version={v.version}>
                    <td class="num">{v.version}</td>
                    <td>{v.tag ?? <span class="muted">every tag</span>}</td>
                    <td>
                      {v.version === schemas.currentVersion ? (
                        <Badge value="current" />
                      ) : (
                        <span class="muted">stored</span>
                      )}
                    </td>
                    <td>{time(v.createdAt)}</td>
                    <td class="wrap">
                      <TextBlock value={v.schema} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      ) : null}
    </div>
  );
}
