// One signed outbound POST (check-backs, push deliveries): time-out, bounded response, latency,
// and a short human-readable reason when no response came back.
import { request } from 'undici';
import { OutboundDenied, type OutboundPolicy } from './outbound-policy';

export interface OutboundResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  latencyMs: number;
}

export interface OutboundFailure {
  statusCode: null;
  error: string;
  latencyMs: number;
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  maxResponseBytes: number,
  policy: OutboundPolicy,
): Promise<OutboundResponse | OutboundFailure> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    policy.assertLiteral(url);
    const response = await request(url, {
      dispatcher: policy.dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readLimited(response.body, maxResponseBytes);
    return { statusCode: response.statusCode, headers: response.headers, text, latencyMs: latency() };
  } catch (error) {
    return { statusCode: null, error: describeFailure(error, timeoutMs), latencyMs: latency() };
  }
}

async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(): void },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return Buffer.concat(chunks).toString('utf8') + '…(truncated)';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof OutboundDenied) return `refused: ${error.message}`;
  const failure = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = failure.code ?? failure.cause?.code;
  if (
    failure.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return `timed out after ${timeoutMs} ms`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'EOUTBOUNDDENIED') return `refused: ${failure.message ?? ''}`;
  return code ? `${code}: ${failure.message ?? ''}`.trim() : (failure.message ?? String(error));
}
