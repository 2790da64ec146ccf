// Backward compatibility of topic schema versions (SPEC §4 `compatibility: "backward"`): a new
// version must accept every body the previous one accepted. Decided on the schemas' structure for
// the common cases, recursively through `properties` and `items`: adding an optional field,
// dropping a requirement and widening a type pass; adding a required field, narrowing a type or an
// enum, tightening a bound or a pattern, closing an object, or dropping a field of a closed object
// are each named as a change that breaks it. (Anything else it cannot see — `oneOf`, `if`,
// references — is compared as a whole: a changed one counts as breaking.)
type Schema = boolean | Record<string, unknown>;

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
const OPAQUE = [
  'pattern',
  'const',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  'format',
  'multipleOf',
];

/** The changes from `previous` to `next` that would refuse a body `previous` accepted; none when backward compatible. */
export function backwardBreaks(previous: unknown, next: unknown, at = ''): string[] {
  const where = at || '/';
  const prev = previous as Schema;
  const curr = next as Schema;
  if (prev === false) return []; // nothing was accepted
  if (curr === false) return [`${where}: the new version accepts nothing`];
  if (curr === true || typeof curr !== 'object') return [];
  const before: Record<string, unknown> = prev === true || typeof prev !== 'object' ? {} : prev;
  const breaks: string[] = [];

  const typesBefore = typesOf(before.type);
  const typesAfter = typesOf(curr.type);
  if (typesAfter) {
    const lost = typesBefore
      ? typesBefore.filter(
          (t) => !typesAfter.includes(t) && !(t === 'integer' && typesAfter.includes('number')),
        )
      : ['any type'];
    if (lost.length > 0) breaks.push(`${where}: type narrowed (no longer ${lost.join(', ')})`);
  }

  const requiredBefore = new Set((before.required as string[] | undefined) ?? []);
  for (const field of (curr.required as string[] | undefined) ?? []) {
    if (!requiredBefore.has(field)) breaks.push(`${join(at, field)}: added as a required field`);
  }

  if (Array.isArray(curr.enum)) {
    const allowed = curr.enum.map((value) => JSON.stringify(value));
    const lost = Array.isArray(before.enum)
      ? before.enum.filter((value) => !allowed.includes(JSON.stringify(value)))
      : ['any value'];
    if (lost.length > 0) breaks.push(`${where}: enum narrowed (no longer ${lost.map(String).join(', ')})`);
  }

  for (const bound of LOWER_BOUNDS) {
    if (
      typeof curr[bound] === 'number' &&
      !(typeof before[bound] === 'number' && curr[bound] <= before[bound])
    ) {
      breaks.push(`${where}: ${bound} tightened to ${String(curr[bound])}`);
    }
  }
  for (const bound of UPPER_BOUNDS) {
    if (
      typeof curr[bound] === 'number' &&
      !(typeof before[bound] === 'number' && curr[bound] >= before[bound])
    ) {
      breaks.push(`${where}: ${bound} tightened to ${String(curr[bound])}`);
    }
  }
  for (const keyword of OPAQUE) {
    if (keyword in curr && JSON.stringify(curr[keyword]) !== JSON.stringify(before[keyword])) {
      breaks.push(`${where}: ${keyword} changed`);
    }
  }

  const propsBefore = (before.properties as Record<string, unknown> | undefined) ?? {};
  const propsAfter = (curr.properties as Record<string, unknown> | undefined) ?? {};
  const closedBefore = before.additionalProperties === false;
  const closedAfter = curr.additionalProperties === false;
  if (closedAfter && !closedBefore) breaks.push(`${where}: additionalProperties closed`);
  for (const [field, schema] of Object.entries(propsAfter)) {
    if (field in propsBefore) breaks.push(...backwardBreaks(propsBefore[field], schema, join(at, field)));
  }
  if (closedAfter) {
    for (const field of Object.keys(propsBefore)) {
      if (!(field in propsAfter)) breaks.push(`${join(at, field)}: removed from a closed object`);
    }
  }
  if (isSchema(curr.items) && isSchema(before.items)) {
    breaks.push(...backwardBreaks(before.items, curr.items, `${at}/items`));
  }
  return breaks;
}

const typesOf = (type: unknown): string[] | null =>
  typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : null;

const isSchema = (value: unknown) =>
  typeof value === 'boolean' || (typeof value === 'object' && value !== null);

const join = (at: string, field: string) => `${at}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
