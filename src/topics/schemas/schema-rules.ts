// What a topic schema may be (SPEC §4): a JSON Schema, draft 2020-12, for a message body, that
// refers to nothing outside itself (a `$ref` is a pointer within the schema; nothing is fetched).
import Ajv2020 from 'ajv/dist/2020';
import { ApiError } from '../../common/errors/api-error';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * A fresh compiler: unknown keywords refused (a typo is not silently a no-op), every error
 * collected, formats as annotations; the stricter lints of ajv (types named beside each keyword,
 * required fields listed in properties) stay off, since they refuse valid JSON Schema.
 */
export const newCompiler = () =>
  new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: false,
    logger: false,
  });

/** 400 for a schema txmsg will not store; otherwise nothing. */
export function assertUsableSchema(schema: unknown): void {
  const invalid = (message: string) =>
    ApiError.validation(`schema ${message}`, [{ field: 'schema', message }]);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    if (typeof schema !== 'boolean') throw invalid('must be a JSON Schema (an object or a boolean)');
    return;
  }
  const declared = (schema as { $schema?: unknown }).$schema;
  if (declared !== undefined && declared !== DRAFT_2020_12) {
    throw invalid(`must be draft 2020-12 ($schema ${JSON.stringify(declared)} is not ${DRAFT_2020_12})`);
  }
  const remote = remoteReference(schema);
  if (remote) throw invalid(`refers outside itself (${remote}); only local "#…" references are allowed`);
  try {
    newCompiler().compile(schema as object);
  } catch (error) {
    throw invalid(`is not a valid JSON Schema 2020-12: ${(error as Error).message}`);
  }
}

/** The first `$ref`/`$dynamicRef` (or `$id` naming a location) that does not point inside the schema. */
function remoteReference(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = remoteReference(item);
      if (found) return found;
    }
    return null;
  }
  if (typeof node !== 'object' || node === null) return null;
  for (const [key, value] of Object.entries(node)) {
    if ((key === '$ref' || key === '$dynamicRef') && (typeof value !== 'string' || !value.startsWith('#'))) {
      return `${key} ${JSON.stringify(value)}`;
    }
    if (key === '$id' && typeof value === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(value)) {
      return `$id ${JSON.stringify(value)}`;
    }
    const found = remoteReference(value);
    if (found) return found;
  }
  return null;
}
