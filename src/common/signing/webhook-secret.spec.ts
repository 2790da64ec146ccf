import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook } from './webhook-secret';

describe(signWebhook.name, () => {
  const payload = JSON.stringify({ type: 'transaction.check', transactionId: 't-1' });
  const at = new Date('2026-11-21T10:00:00Z');

  it('signs per Standard Webhooks: v1,base64(HMAC-SHA256(secret bytes, "id.timestamp.body"))', () => {
    const secret = generateWebhookSecret();
    const sut = signWebhook([secret], 'msg_1', payload, at);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_1.${1795255200}.${payload}`).digest('base64');
    expect(sut).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1795255200',
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('signs exactly as the standardwebhooks library does, for any id, body, time and secret', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ unit: 'binary' }),
        fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (id, body, at, key) => {
          const secret = `whsec_${Buffer.from(key).toString('base64')}`;
          expect(signWebhook([secret], id, body, at)['webhook-signature']).toBe(
            new Webhook(secret).sign(id, at, body),
          );
        },
      ),
    );
  });

  it('is verifiable with the standardwebhooks library', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook([secret], 'msg_2', payload, new Date());
    expect(new Webhook(secret).verify(payload, { ...headers })).toEqual(JSON.parse(payload));
  });

  it('carries one signature per secret, space-separated, each verifiable on its own (rotation)', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const headers = signWebhook([current, previous], 'msg_3', payload, new Date());
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(payload, { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify(payload, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(payload, { ...headers })).toThrow();
  });

  it('fails verification when the body was changed', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook([secret], 'msg_4', payload, new Date());
    expect(() => new Webhook(secret).verify(payload.replace('t-1', 't-2'), { ...headers })).toThrow();
  });
});

describe(generateWebhookSecret.name, () => {
  it('is whsec_ + base64 of 32 random bytes, different each time', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
