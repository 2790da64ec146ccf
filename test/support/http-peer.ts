// A real local HTTP server standing in for a producer's check-back endpoint or a consumer's push URL.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedRequest {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
}

export interface PeerReply {
  status?: number;
  body?: string | object;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type PeerHandler = (request: ReceivedRequest) => PeerReply | Promise<PeerReply>;

export interface HttpPeer {
  url: string;
  received: ReceivedRequest[];
  /** Requests being answered right now. */
  inflight: number;
  maxInflight: number;
  setHandler(handler: PeerHandler): void;
  close(): Promise<void>;
}

export async function startHttpPeer(
  handler: PeerHandler = () => ({ status: 200, body: {} }),
): Promise<HttpPeer> {
  let current = handler;
  const peer = { received: [] as ReceivedRequest[], inflight: 0, maxInflight: 0 } as HttpPeer;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = undefined;
      }
      const received = {
        at: Date.now(),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawBody: raw,
        body: parsed,
      };
      peer.received.push(received);
      peer.inflight++;
      peer.maxInflight = Math.max(peer.maxInflight, peer.inflight);
      void Promise.resolve(current(received)).then(async (reply) => {
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        peer.inflight--;
        if (res.destroyed) return;
        const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res
          .writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
          .end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  peer.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  peer.setHandler = (next) => (current = next);
  peer.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}
