// The HA specs run the configuration files docs/high-availability.md shows (docs/ha/), with their
// ${…} placeholders filled in, so the guide's files are the ones tested.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const DOCS = join(__dirname, '../../docs/ha');

/** Writes docs/ha/`name` to `to` with every ${KEY} replaced; a placeholder left unfilled throws. */
export async function writeHaConfig(name: string, to: string, values: Record<string, string | number>) {
  const text = (await readFile(join(DOCS, name), 'utf8')).replace(/\$\{([A-Z_]+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`docs/ha/${name}: no value for \${${key}}`);
    return String(values[key]);
  });
  await writeFile(to, text);
}
