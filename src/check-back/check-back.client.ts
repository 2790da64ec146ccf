// Sends one signed check-back request (Standard Webhooks headers) and reads the verdict strictly.
import { request } from 'undici';
import { newId } from '../common/ids';
import { signWebhook } from '../common/signing/webhook-secret';
import { readVerdict, type CheckOutcome } from './verdict';

export interface CheckRequest {
  url: string;
  secrets: string[];
  timeoutMs: number;
  payload: {
    type: 'transaction.check';
    transactionId: string;
    producerGroup: string;
    attempt: number;
    createdAt: string;
    messages: { id: string; topic: string; key: string | null; tag: string | null }[];
  };
}

export interface CheckResult {
  outcome: CheckOutcome;
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export async function sendCheck(check: CheckRequest): Promise<CheckResult> {
  const body = JSON.stringify(check.payload);
  const headers = {
    'content-type': 'application/json',
    ...signWebhook(check.secrets, `chk_${newId()}`, body),
  };
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await request(check.url, {
      method: 'POST',
      headers,
      body,
      headersTimeout: check.timeoutMs,
      bodyTimeout: check.timeoutMs,
      signal: AbortSignal.timeout(check.timeoutMs),
    });
    const text = await readLimited(response.body);
    const verdict = readVerdict(response.statusCode, text);
    return {
      outcome: verdict.outcome,
      httpStatus: response.statusCode,
      latencyMs: latency(),
      error: verdict.error ?? null,
    };
  } catch (error) {
    return {
      outcome: 'ERROR',
      httpStatus: null,
      latencyMs: latency(),
      error: describeFailure(error, check.timeoutMs),
    };
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      return Buffer.concat(chunks).toString('utf8') + '…(truncated)';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFailure(error: unknown, timeoutMs: number): string {
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
  return code ? `${code}: ${failure.message ?? ''}`.trim() : (failure.message ?? String(error));
}
