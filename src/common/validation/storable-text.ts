// Text Postgres cannot store: `text` and `jsonb` refuse the NUL character, and UTF-8 has no
// encoding for a lone UTF-16 surrogate. Such strings are refused at the boundary with a 400
// naming where they were, rather than failing in the database.
// eslint-disable-next-line no-control-regex -- finding the NUL character is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function unstorableReason(text: string): string | null {
  const match = UNSTORABLE.exec(text);
  if (!match) return null;
  return match[0] === '\u0000' ? 'contains a NUL character (\\u0000)' : 'contains a lone UTF-16 surrogate';
}

export interface TextProblem {
  field: string;
  message: string;
}

/** Maximum nesting of arrays and objects in a request document (bodies included). */
export const MAX_JSON_DEPTH = 64;

/**
 * Walks a parsed JSON value (iteratively, so depth cannot overflow the stack) and returns the
 * first problem: a string or key Postgres cannot store, or nesting deeper than MAX_JSON_DEPTH.
 */
export function findJsonProblem(root: unknown, rootField = ''): TextProblem | null {
  const stack: [unknown, string, number][] = [[root, rootField, 0]];
  while (stack.length > 0) {
    const [value, field, depth] = stack.pop() as [unknown, string, number];
    if (typeof value === 'string') {
      const reason = unstorableReason(value);
      if (reason) return { field: field || 'body', message: reason };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) {
        return { field: field || 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
      }
      const entries: [string, unknown][] = Array.isArray(value)
        ? value.map((item, i) => [String(i), item])
        : Object.entries(value);
      for (const [key, item] of entries) {
        const path = field ? `${field}.${key}` : key;
        const reason = unstorableReason(key);
        if (reason) return { field: path, message: `name ${reason}` };
        stack.push([item, path, depth + 1]);
      }
    }
  }
  return null;
}
