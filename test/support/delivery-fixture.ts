// Helpers for delivery specs: a topic and consumer group of their own per test, and sends.
import type { HttpClient } from './http-client';

let counter = 0;

export const uniqueName = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}`;

export async function createTopic(http: HttpClient, name = uniqueName('topic')): Promise<string> {
  const created = await http.put(`/v1/topics/${name}`, {});
  expect(created.status).toBe(201);
  return name;
}

export async function createGroup(
  http: HttpClient,
  topic: string,
  config: Record<string, unknown>,
  name = uniqueName('group'),
): Promise<{ name: string; secret: string }> {
  const created = await http.put(`/v1/consumer-groups/${name}`, { topic, ...config });
  expect(created.status).toBe(201);
  return { name, secret: created.body.secret as string };
}

export async function send(
  http: HttpClient,
  topic: string,
  message: Record<string, unknown>,
): Promise<string> {
  const sent = await http.post(`/v1/topics/${topic}/messages`, message);
  expect(sent.status).toBe(201);
  return sent.body.id as string;
}

export async function producerGroup(http: HttpClient, checkbackUrl = 'http://127.0.0.1:9/none') {
  const name = uniqueName('producer');
  // A long immunity keeps check-backs out of delivery specs.
  expect(
    (await http.put(`/v1/producer-groups/${name}`, { checkbackUrl, checkImmunitySeconds: 3600 })).status,
  ).toBe(201);
  return name;
}
