// The stuck summary: STUCK and unanswered transactions by producer group and what their last check said.
import { Badge, Empty, Notice, Section } from '../components/ui';
import { count, time } from '../format';
import type { StuckSummaryRow } from '../types';

export function StuckSummary({
  rows,
  error,
  onShow,
}: {
  rows: StuckSummaryRow[] | null;
  error: string | null;
  onShow: (row: StuckSummaryRow) => void;
}) {
  return (
    <Section title="Stuck summary">
      {error ? <Notice kind="error">{error}</Notice> : null}
      {rows && rows.length === 0 ? (
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
            {(rows ?? []).map((row) => (
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
                  <button type="button" class="link" onClick={() => onShow(row)}>
                    Show these
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
