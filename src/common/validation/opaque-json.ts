// Fields that hold a producer's JSON as it is (message bodies): validation checks they are there
// and never walks into them, so their shape and depth are the producer's business. The request
// parser has already bounded their depth and refused text Postgres cannot store.

const OPAQUE_PATHS = new Map<object, string[]>();

/**
 * Declares the opaque JSON fields of a DTO by path: `body`, or `messages.*.body` for the body of
 * every element of `messages`. Subclasses inherit their parent's paths.
 */
export const OpaqueJson =
  (...paths: string[]) =>
  (target: object) => {
    OPAQUE_PATHS.set(target, paths);
  };

export function opaquePathsOf(type: unknown): string[] {
  const paths: string[] = [];
  for (let current = type; typeof current === 'function' && current !== Function.prototype;) {
    paths.push(...(OPAQUE_PATHS.get(current) ?? []));
    current = Object.getPrototypeOf(current);
  }
  return paths;
}

/** Stands in for an opaque value while the DTO is validated (any value but undefined will do). */
const PLACEHOLDER = 0;

interface Detached {
  /** The request with every opaque value replaced, copied along the way (the original is kept). */
  shallow: unknown;
  /** Puts the opaque values back into the validated instance, at the same places. */
  reattach: (instance: unknown) => void;
}

export function detachOpaque(value: unknown, paths: string[]): Detached {
  const taken: [(string | number)[], unknown][] = [];
  let shallow = value;
  for (const path of paths) shallow = detachPath(shallow, path.split('.'), [], taken);
  return {
    shallow,
    reattach: (instance) => {
      for (const [at, opaque] of taken) {
        const parent = at
          .slice(0, -1)
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], instance);
        if (parent !== null && typeof parent === 'object')
          (parent as Record<string | number, unknown>)[at[at.length - 1]] = opaque;
      }
    },
  };
}

function detachPath(
  node: unknown,
  segments: string[],
  at: (string | number)[],
  taken: [(string | number)[], unknown][],
): unknown {
  const [head, ...rest] = segments;
  if (head === '*') {
    if (!Array.isArray(node)) return node;
    return node.map((item, i) => detachPath(item, rest, [...at, i], taken));
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, head))
    return node;
  const record = node as Record<string, unknown>;
  if (rest.length > 0) return { ...record, [head]: detachPath(record[head], rest, [...at, head], taken) };
  if (record[head] === undefined) return node;
  taken.push([[...at, head], record[head]]);
  return { ...record, [head]: PLACEHOLDER };
}
