// Strict reading of a check-back answer (SPEC §5): only a 2xx with exactly {"status": "COMMIT" |
// "ROLLBACK" | "UNKNOWN"} is a verdict; everything else is an ERROR, which counts as UNKNOWN.
export type CheckOutcome = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN' | 'ERROR';
const VERDICTS = new Set(['COMMIT', 'ROLLBACK', 'UNKNOWN']);

export function readVerdict(status: number, bodyText: string): { outcome: CheckOutcome; error?: string } {
  if (status < 200 || status > 299) return { outcome: 'ERROR', error: `HTTP ${status}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { outcome: 'ERROR', error: `response is not JSON: ${excerpt(bodyText)}` };
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.keys(parsed).length === 1 &&
    VERDICTS.has((parsed as { status?: unknown }).status as string);
  if (!valid)
    return {
      outcome: 'ERROR',
      error: `response is not {"status": COMMIT|ROLLBACK|UNKNOWN}: ${excerpt(bodyText)}`,
    };
  return { outcome: (parsed as { status: CheckOutcome }).status };
}

const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
