// Standard Webhooks secrets and signatures, shared by check-back (SPEC §5) and push delivery (SPEC §7).
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

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
 * secret); signatures are space-separated as Standard Webhooks prescribes.
 */
export function signWebhook(secrets: string[], id: string, payload: string, at = new Date()): SignedHeaders {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, payload));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
