// Sends one signed check-back request (Standard Webhooks headers) and reads the verdict strictly.
import { newId } from '../common/ids';
import type { OutboundPolicy } from '../common/http/outbound-policy';
import { postJson } from '../common/http/outbound-request';
import { signWebhook } from '../common/signing/webhook-secret';
import { readVerdict, type CheckOutcome } from './verdict';

export interface CheckRequest {
  url: string;
  secrets: string[];
  timeoutMs: number;
  /** W3C trace context headers (`traceparent`, `tracestate`) to send along. */
  traceHeaders: Record<string, string>;
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

export async function sendCheck(check: CheckRequest, policy: OutboundPolicy): Promise<CheckResult> {
  const body = JSON.stringify(check.payload);
  const headers = { ...signWebhook(check.secrets, `chk_${newId()}`, body), ...check.traceHeaders };
  const response = await postJson(check.url, body, headers, check.timeoutMs, MAX_RESPONSE_BYTES, policy);
  if (response.statusCode === null) {
    return { outcome: 'ERROR', httpStatus: null, latencyMs: response.latencyMs, error: response.error };
  }
  const verdict = readVerdict(response.statusCode, response.text);
  return {
    outcome: verdict.outcome,
    httpStatus: response.statusCode,
    latencyMs: response.latencyMs,
    error: verdict.error ?? null,
  };
}
