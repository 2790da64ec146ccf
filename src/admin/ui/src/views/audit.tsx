// Audit: every operator write, newest first.
import { get, query, type Page } from '../api';
import { Badge, Empty, LoadMore, Notice, Section } from '../components/ui';
import { time } from '../format';
import { usePages } from '../hooks';
import type { AuditRow } from '../types';

export function AuditView() {
  const audit = usePages(
    (cursor) => get<Page<AuditRow>>(`/v1/admin/audit${query({ limit: 100, cursor })}`),
    [],
    15_000,
  );
  const rows = audit.rows;
  return (
    <Section title="Audit log · operator writes, newest first">
      {audit.error ? <Notice kind="error">{audit.error}</Notice> : null}
      {audit.data && rows.length === 0 ? (
        <Empty>
          No operator action yet. Verdicts, rechecks, redrives, replays and API key changes appear here.
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>At</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th class="num">Count</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{time(row.at)}</td>
                <td>{row.actor}</td>
                <td class="mono">{row.action}</td>
                <td class="wrap mono">{row.target}</td>
                <td class="num">{row.count}</td>
                <td>
                  <Badge value={row.result} />{' '}
                  {row.detail?.message ? <span class="muted">{String(row.detail.message)}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore pages={audit} />
    </Section>
  );
}
