// The README's producer and consumer are the example's code, line for line (the example is what
// example.e2e-spec runs): this keeps the two from drifting apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('README snippets', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Client SDK'), readme.indexOf('## Configuration'));
  const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);

  it.each([
    ['a producer in at most 10 lines', 'examples/orders/orders.js', 0, 10],
    ['a consumer in at most 5 lines', 'examples/orders/shipping.js', 1, 5],
  ])('shows %s, taken from %s', (_name, file, index, maxLines) => {
    const lines = blocks[index as number].split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeLessThanOrEqual(maxLines as number);
    const source = read(file as string);
    for (const line of lines) expect({ line, found: source.includes(line) }).toEqual({ line, found: true });
  });
});
