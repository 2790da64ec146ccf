// The README is the front door and docs/ the manual: every relative link between them (and to
// the SDK, examples and files of the repository) must lead somewhere, anchors included.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(__dirname, '../..');

/** The repository's Markdown files a reader follows links in. */
function markdownFiles(): string[] {
  const files = ['README.md', 'sdk/README.md'];
  for (const dir of ['docs', 'examples']) {
    const walk = (at: string) => {
      for (const name of readdirSync(join(root, at))) {
        const path = join(at, name);
        if (statSync(join(root, path)).isDirectory()) walk(path);
        else if (name.endsWith('.md')) files.push(path);
      }
    };
    walk(dir);
  }
  return files;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
export const slugOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(markdown: string): Set<string> {
  const outsideCode = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slugOf(match[1])));
}

/** Relative links of a Markdown text (inline `[text](target)` and images), outside code blocks. */
export function relativeLinks(markdown: string): string[] {
  const outsideCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...outsideCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** What is wrong with each relative link of `file`: a missing file or a missing anchor. */
export function brokenLinks(
  file: string,
  read = (path: string) => readFileSync(join(root, path), 'utf8'),
): string[] {
  const broken: string[] = [];
  for (const link of relativeLinks(read(file))) {
    const [path, anchor] = link.split('#') as [string, string | undefined];
    const target = path === '' ? file : relative(root, resolve(root, dirname(file), path));
    if (target.startsWith('..') || !existsSync(join(root, target))) {
      broken.push(`${file}: ${link} (no ${target} in the repository)`);
      continue;
    }
    if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(read(target)).has(anchor)) {
      broken.push(`${file}: ${link} (no heading #${anchor} in ${target})`);
    }
  }
  return broken;
}

describe('documentation links', () => {
  it('finds the README, the SDK README and the manual in docs/', () => {
    expect(markdownFiles()).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/api.md',
        'docs/operations.md',
        'docs/benchmark.md',
        'docs/architecture.md',
      ]),
    );
  });

  it.each(markdownFiles())('%s has no broken relative link', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('fails on a missing file, a missing anchor and a link out of the repository', () => {
    const pages: Record<string, string> = {
      'README.md':
        '# Top\n[ok](docs/api.md#admin-api) [gone](docs/nothing.md) [bad anchor](docs/api.md#no-such) [out](../shared/SPEC.md) [web](https://example.com) `[code](x.md)`',
      'docs/api.md': '## Admin API\n',
    };
    expect(brokenLinks('README.md', (path) => pages[path] ?? readFileSync(join(root, path), 'utf8'))).toEqual(
      [
        'README.md: docs/nothing.md (no docs/nothing.md in the repository)',
        'README.md: docs/api.md#no-such (no heading #no-such in docs/api.md)',
        'README.md: ../shared/SPEC.md (no ../shared/SPEC.md in the repository)',
      ],
    );
  });

  it('keeps the README a front door', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });
});
