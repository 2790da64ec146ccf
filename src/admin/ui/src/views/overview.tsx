// Overview: headline figures, per-minute charts and per-group health, refreshing every 5 seconds.
import { get } from '../api';
import { MinuteChart } from '../components/chart';
import { Empty, Notice, ProducerGroupLink, Section } from '../components/ui';
import { age, count, percent, time } from '../format';
import { useLoad } from '../hooks';
import type { Overview } from '../types';

const REFRESH_MS = 5000;

type SeriesKey = 'committed' | 'delivered' | 'checksFailed' | 'deadLettered';

const CHARTS: { title: string; lines: { label: string; key: SeriesKey; color: string }[] }[] = [
  {
    title: 'Messages',
    lines: [
      { label: 'committed', key: 'committed', color: '#2563eb' },
      { label: 'delivered', key: 'delivered', color: '#16a34a' },
    ],
  },
  {
    title: 'Failures',
    lines: [
      { label: 'failed checks', key: 'checksFailed', color: '#d97706' },
      { label: 'dead-lettered', key: 'deadLettered', color: '#dc2626' },
    ],
  },
];

function Figure({
  label,
  value,
  tone,
  hint,
}: {
  label: string;
  value: string;
  tone?: 'bad' | 'warn';
  hint?: string;
}) {
  return (
    <div class={`figure ${tone ?? ''}`} title={hint}>
      <div class="figure-value">{value}</div>
      <div class="figure-label">{label}</div>
    </div>
  );
}

export function OverviewView() {
  const { data, error } = useLoad(() => get<Overview>('/v1/admin/overview'), [], REFRESH_MS);
  if (!data)
    return error ? (
      <Notice kind="error">Could not load the overview: {error}</Notice>
    ) : (
      <Empty>Loading…</Empty>
    );
  const { transactions: tx, messages, series } = data;
  return (
    <div class="stack">
      {error ? (
        <Notice kind="error">
          Refresh failed ({error}); showing figures from {time(data.generatedAt)}.
        </Notice>
      ) : null}
      <div class="figures" aria-label="Headline figures">
        <Figure
          label="Stuck transactions"
          value={count(tx.stuck)}
          tone={tx.stuck > 0 ? 'bad' : undefined}
          hint="STUCK: maxChecks unanswered; waiting for an operator"
        />
        <Figure label="Prepared" value={count(tx.prepared)} />
        <Figure
          label="Oldest prepared"
          value={age(tx.oldestPreparedAgeSeconds)}
          tone={(tx.oldestPreparedAgeSeconds ?? 0) > 300 ? 'warn' : undefined}
        />
        <Figure
          label="Failed checks, 1 h"
          value={count(tx.checksFailed1h)}
          tone={tx.checksFailed1h > 0 ? 'warn' : undefined}
        />
        <Figure label="Committed, 1 h" value={count(messages.committed1h)} />
        <Figure label="Delivered, 1 h" value={count(messages.delivered1h)} />
        <Figure
          label="Dead letters"
          value={count(messages.deadLetters)}
          tone={messages.deadLetters > 0 ? 'bad' : undefined}
        />
      </div>
      <div class="charts">
        {CHARTS.map((chart) => (
          <MinuteChart
            key={chart.title}
            title={chart.title}
            from={series.from}
            bucketSeconds={series.bucketSeconds}
            series={chart.lines.map((line) => ({ ...line, values: series[line.key] }))}
          />
        ))}
      </div>
      <Section title="Producer groups">
        {data.producerGroups.length === 0 ? (
          <Empty>No producer groups yet. Create one with PUT /v1/producer-groups/&#123;group&#125;.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Group</th>
                <th class="num">Prepared</th>
                <th class="num">Stuck</th>
                <th class="num">Checks 1 h</th>
                <th class="num">Answered</th>
                <th>Last check-back error</th>
              </tr>
            </thead>
            <tbody>
              {data.producerGroups.map((group) => (
                <tr key={group.name}>
                  <td>
                    <ProducerGroupLink name={group.name} />
                  </td>
                  <td class="num">{count(group.prepared)}</td>
                  <td class={`num ${group.stuck > 0 ? 'bad-text' : ''}`}>{count(group.stuck)}</td>
                  <td class="num">{count(group.checkbackHealth.checks1h)}</td>
                  <td class="num">{percent(group.checkbackHealth.successRate)}</td>
                  <td class="wrap">
                    {group.lastError ? (
                      <>
                        <span class="bad-text">
                          {group.lastError.error ?? `HTTP ${group.lastError.httpStatus}`}
                        </span>{' '}
                        <span class="muted">at {time(group.lastError.at)}</span>
                      </>
                    ) : (
                      <span class="muted">none in 24 h</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Consumer groups">
        {data.consumerGroups.length === 0 ? (
          <Empty>No consumer groups yet. Create one with PUT /v1/consumer-groups/&#123;group&#125;.</Empty>
        ) : (
          <BacklogTable groups={data.consumerGroups} />
        )}
      </Section>
      <p class="muted small">
        Updated {time(data.generatedAt)} · refreshes every {REFRESH_MS / 1000} s
      </p>
    </div>
  );
}

export function BacklogTable({ groups }: { groups: Overview['consumerGroups'] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Group</th>
          <th>Topic</th>
          <th>Mode</th>
          <th class="num">Ready</th>
          <th class="num">In flight</th>
          <th class="num">Retrying</th>
          <th class="num">Delayed</th>
          <th class="num">Dead letters</th>
          <th class="num">Oldest ready</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((group) => (
          <tr key={group.name}>
            <td>
              <a href={`#/consumer-groups/${encodeURIComponent(group.name)}`}>{group.name}</a>
            </td>
            <td>{group.topic}</td>
            <td class="muted">
              {group.delivery} · {group.mode}
            </td>
            <td class="num">{count(group.ready)}</td>
            <td class="num">{count(group.inflight)}</td>
            <td class={`num ${group.retrying > 0 ? 'warn-text' : ''}`}>{count(group.retrying)}</td>
            <td class="num">{count(group.delayed)}</td>
            <td class={`num ${group.deadLetters > 0 ? 'bad-text' : ''}`}>{count(group.deadLetters)}</td>
            <td class={`num ${(group.oldestReadyAgeSeconds ?? 0) > 60 ? 'warn-text' : ''}`}>
              {age(group.oldestReadyAgeSeconds)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
