// Receiving what txmsg sends — check-backs and pushes — with Standard Webhooks signatures checked
// on the raw body (any of the given secrets: the current and, during a rotation, the previous
// one; timestamps within ±5 minutes), as one framework-neutral handler and adapters for node:http,
// Express and Fastify.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

export type Headers = Record<string, string | string[] | undefined>;

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Takes a request's raw body and headers, answers status, headers and a JSON body. */
export type WebhookHandler = (rawBody: Buffer | string, headers: Headers) => Promise<WebhookAnswer>;

/** Throws unless one of `secrets` signed this exact body at a time within ±5 minutes. */
export function verifySignature(secrets: string[], rawBody: Buffer | string, headers: Headers): void {
  const payload = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const flat: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = headers[name];
    flat[name] = Array.isArray(value) ? value.join(' ') : (value ?? '');
  }
  let lastError: unknown = new Error('no secret given');
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(payload, flat);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Verifies, parses the JSON body and hands it to `handle`; a bad signature is 401, bad JSON 400. */
export function signedJsonHandler<T>(
  secrets: string[],
  handle: (body: T, headers: Headers) => Promise<WebhookAnswer>,
): WebhookHandler {
  if (secrets.length === 0) throw new Error('at least one secret is needed');
  return async (rawBody, headers) => {
    try {
      verifySignature(secrets, rawBody, headers);
    } catch {
      return { status: 401, body: { error: 'invalid_signature' } };
    }
    let body: T;
    try {
      body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as T;
    } catch {
      return { status: 400, body: { error: 'invalid_json' } };
    }
    try {
      return await handle(body, headers);
    } catch (error) {
      return { status: 500, body: { error: 'handler_failed', message: String(error) } };
    }
  };
}

/** As a node:http request listener (any path). */
export function nodeListener(handler: WebhookHandler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handler(Buffer.concat(chunks), req.headers).then((answer) => send(res, answer));
    });
  };
}

/**
 * As Express middleware. Mount it before any JSON body parser, or with `express.raw()`: the
 * signature covers the raw bytes, which a parsed body no longer has.
 */
export function expressHandler(handler: WebhookHandler) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse): void => {
    if (Buffer.isBuffer(req.body)) {
      void handler(req.body, req.headers).then((answer) => send(res, answer));
      return;
    }
    nodeListener(handler)(req, res);
  };
}

/** Minimal view of a Fastify instance, so this package does not depend on Fastify. */
interface FastifyLike {
  register(plugin: (instance: FastifyLike, options: unknown) => Promise<void>): unknown;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer' },
    parser: (req: unknown, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(
    path: string,
    handler: (
      request: { body: Buffer; headers: Headers },
      reply: {
        code(status: number): { headers(h: Record<string, string>): { send(body: unknown): unknown } };
      },
    ) => Promise<unknown>,
  ): void;
}

/**
 * As a Fastify route at `path`, in its own scope, where JSON bodies stay raw for verification.
 * `fastify` is a Fastify instance (typed loosely, so this package needs no Fastify types).
 */
export function fastifyRoute(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  fastify: { register(plugin: any): unknown },
  path: string,
  handler: WebhookHandler,
): void {
  (fastify as FastifyLike).register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(path, async (request, reply) => {
      const answer = await handler(request.body, request.headers);
      return reply
        .code(answer.status)
        .headers({ 'content-type': 'application/json', ...answer.headers })
        .send(JSON.stringify(answer.body ?? {}));
    });
  });
}

function send(res: ServerResponse, answer: WebhookAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(JSON.stringify(answer.body ?? {}));
}
