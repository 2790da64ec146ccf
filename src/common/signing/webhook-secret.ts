// Standard Webhooks secrets and signatures, shared by check-back (SPEC §5) and push delivery (SPEC §7).
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs `payload` with every given secret (a rotated group signs with the new and the previous
 * secret); signatures are space-separated as Standard Webhooks prescribes: `v1,` + base64 of
 * HMAC-SHA256 over `id.timestamp.payload`, keyed by the secret's bytes. Node's own HMAC, not the
 * `standardwebhooks` library's JavaScript SHA-256, since every push is signed (the spec checks
 * the two agree).
 */
export function signWebhook(secrets: string[], id: string, payload: string, at = new Date()): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signed = `${id}.${timestamp}.${payload}`;
  const signatures = secrets.map(
    (secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`,
  );
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

/** A secret's key bytes: base64 after `whsec_` (or the whole string without it, as the library reads it). */
const secretKey = (secret: string): Buffer =>
  Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
