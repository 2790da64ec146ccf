// Producer groups: where check-backs go and how well producers answer them.
import { get, type Page } from '../api';
import { Empty, Notice, ProducerGroupLink, Section } from '../components/ui';
import { count, percent, time } from '../format';
import { useLoad } from '../hooks';
import type { Overview, ProducerGroup } from '../types';

export function ProducerGroupsView() {
  const groups = useLoad(
    async () => {
      const [page, overview] = await Promise.all([
        get<Page<ProducerGroup>>('/v1/producer-groups?limit=500'),
        get<Overview>('/v1/admin/overview'),
      ]);
      const detailed = await Promise.all(
        page.items.map((group) =>
          get<ProducerGroup>(`/v1/producer-groups/${encodeURIComponent(group.name)}`),
        ),
      );
      return detailed.map((group) => ({
        group,
        open: overview.producerGroups.find((g) => g.name === group.name),
      }));
    },
    [],
    15_000,
  );
  return (
    <Section title="Producer groups · check-back health (24 h)">
      {groups.error ? <Notice kind="error">{groups.error}</Notice> : null}
      {!groups.data ? (
        <Empty>Loading…</Empty>
      ) : groups.data.length === 0 ? (
        <Empty>
          No producer groups yet. A producer group is created with PUT /v1/producer-groups/&#123;group&#125;
          and its check-back URL.
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Group</th>
              <th>Check-back URL</th>
              <th class="num">Prepared</th>
              <th class="num">Stuck</th>
              <th class="num">Checks 24 h</th>
              <th class="num">Answered</th>
              <th class="num">p50 ms</th>
              <th class="num">p99 ms</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map(({ group, open }) => {
              const health = group.checkbackHealth;
              const unhealthy =
                health?.successRate !== null && health?.successRate !== undefined && health.successRate < 0.9;
              return (
                <tr key={group.name}>
                  <td>
                    <ProducerGroupLink name={group.name} />
                  </td>
                  <td class="mono wrap">{group.checkbackUrl}</td>
                  <td class="num">{count(open?.prepared ?? 0)}</td>
                  <td class={`num ${(open?.stuck ?? 0) > 0 ? 'bad-text' : ''}`}>{count(open?.stuck ?? 0)}</td>
                  <td class="num">{count(health?.checks24h)}</td>
                  <td class={`num ${unhealthy ? 'bad-text' : ''}`}>{percent(health?.successRate)}</td>
                  <td class="num">
                    {health?.latencyMs.p50 === null || !health ? '—' : Math.round(health.latencyMs.p50)}
                  </td>
                  <td class="num">
                    {health?.latencyMs.p99 === null || !health ? '—' : Math.round(health.latencyMs.p99)}
                  </td>
                  <td class="wrap">
                    {health?.lastError ? (
                      <>
                        <span class="bad-text">
                          {health.lastError.error ?? `HTTP ${health.lastError.httpStatus}`}
                        </span>{' '}
                        <span class="muted">at {time(health.lastError.at)}</span>
                      </>
                    ) : (
                      <span class="muted">none</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}
