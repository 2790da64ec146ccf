// The only request body txmsg parses: JSON, checked once for what no DTO can express — nesting
// depth and strings Postgres cannot store — before anything walks it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';
import { findJsonProblem } from '../validation/storable-text';

export function parseJsonOnly(fastify: FastifyInstance, bodyLimit: number): void {
  // Every other type (form-encoded, text, multipart) is 415 unsupported_media_type.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (
      _request: FastifyRequest,
      text: string | Buffer,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      const raw = typeof text === 'string' ? text : text.toString('utf8');
      if (raw.trim() === '')
        return done(ApiError.validation('Body must not be empty when Content-Type is JSON'));
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return done(ApiError.validation('Malformed JSON body'));
      }
      const problem = findJsonProblem(body);
      if (problem) return done(ApiError.validation(`${problem.field} ${problem.message}`, [problem]));
      done(null, body);
    },
  );
}
