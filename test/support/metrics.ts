// Reading the service's own metrics in e2e specs.
import type { HttpClient } from './http-client';

/**
 * Fetches `/metrics` once; the function returned gives a sample's value by its exact series,
 * e.g. `txmsg_push_handovers_total{path="local"}`, or 0 when the service has not recorded it.
 */
export async function readMetrics(http: HttpClient): Promise<(series: string) => number> {
  const lines = (await http.get('/metrics', { token: null })).text.split('\n');
  return (series) => {
    const line = lines.find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
}
