// An HTTP proxy in front of txmsg that lets a spec decide, per request, to forward it, forward it
// but answer late (a client time-out), or never answer (the caller died meanwhile).
import { createServer, type Server } from 'node:http';

export type Decision = 'forward' | 'never' | { answerAfterMs: number };

export interface InterceptingProxy {
  url: string;
  close(): Promise<void>;
}

export async function startInterceptingProxy(
  target: string,
  decide: (request: { method: string; path: string }) => Decision,
): Promise<InterceptingProxy> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const decision = decide({ method: req.method ?? 'GET', path: req.url ?? '/' });
      if (decision === 'never') return;
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'connection', 'content-length'].includes(name),
        ),
      ) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      void fetch(`${target}${req.url}`, { method: req.method, headers, body })
        .then(async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          if (decision !== 'forward') await new Promise((r) => setTimeout(r, decision.answerAfterMs));
          if (res.destroyed) return;
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          res.end(payload);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
