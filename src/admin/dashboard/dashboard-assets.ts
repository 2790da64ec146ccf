// Serves the operator dashboard (SPEC §10) from the service's own built assets at /admin: no
// token for the page and its files (the page asks for one), no CDN, and a strict
// Content-Security-Policy so nothing a producer sent can ever run as code in it.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, ErrorCode, errorBody } from '../../common/errors/api-error';

/** Where `npm run build` puts the dashboard (dist/admin-ui, beside dist/src). */
export const DASHBOARD_DIR = join(__dirname, '../../../admin-ui');

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const isDashboard = (url: string) =>
  url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?');

export function serveDashboard(app: NestFastifyApplication, dir = DASHBOARD_DIR): void {
  const fastify = app.getHttpAdapter().getInstance();
  const indexFile = join(dir, 'index.html');
  const html = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (isDashboard(request.url)) reply.headers(SECURITY_HEADERS);
    done();
  });
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (html === null) {
      const error = new ApiError(ErrorCode.Unavailable, 'the dashboard is not built: run `npm run build`');
      return reply.status(error.status).send(errorBody(error));
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };
  fastify.get('/admin', page);
  fastify.get('/admin/', page);
  if (html !== null) {
    // File names carry a content hash, so they may be cached for good.
    app.useStaticAssets({
      root: join(dir, 'assets'),
      prefix: '/admin/assets/',
      decorateReply: false,
      index: false,
      maxAge: '365d',
      immutable: true,
    });
  }
}
