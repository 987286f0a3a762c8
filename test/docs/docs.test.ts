// The docs stay true: every relative link in README.md, docs/ and bench/README.md resolves (file and heading),
// every `npm run <script>` they name exists, every `.md` file a code comment names exists, and the README stays
// a front page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = [
  'README.md',
  'bench/README.md',
  'capabilities/counting/PROTOCOL.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const scripts = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    anchors.add(
      heading[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

/** Markdown without fenced code blocks (links there are examples, not references). */
const prose = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, '');

test.each(DOCS)('%s: every relative link resolves', (doc) => {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  const broken: string[] = [];
  for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
    const [file, anchor] = target.split('#');
    const resolved = file ? path.resolve(path.dirname(path.join(ROOT, doc)), file) : path.join(ROOT, doc);
    if (!existsSync(resolved)) {
      broken.push(target);
      continue;
    }
    if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(target);
    }
  }
  expect(broken).toEqual([]);
});

test.each(DOCS)('%s: every `npm run` script it names exists', (doc) => {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  const named = [...text.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1]);
  expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
});

test.each(DOCS)('%s: has no "Not done" section (open work belongs in a closing note, not in the docs)', (doc) => {
  expect(readFileSync(path.join(ROOT, doc), 'utf8')).not.toMatch(/^#{1,6}\s+Not done|^Not done:/im);
});

test('README.md is a front page of at most 10 KB', () => {
  expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(10 * 1024);
});

/** Source files of the folders whose comments may point at docs. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|js|cjs)$/.test(entry.name) ? [rel] : [];
  });
}

/** The comments of a source file: line comments and block comments (not string literals). */
const commentsOf = (source: string) => [...source.matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)].map((m) => m[0]);

const CODE = ['functions', 'capabilities', 'contracts', 'lib', 'local', 'scripts', 'sim'].flatMap(sourceFiles);

test.each(CODE)('%s: every .md file its comments name resolves', (file) => {
  const broken: string[] = [];
  for (const comment of commentsOf(readFileSync(path.join(ROOT, file), 'utf8'))) {
    for (const [, named] of comment.matchAll(/([\w./-]*\.md)\b/g)) {
      // A path from the repository root (docs/…, bench/README.md) or from the file's own folder (PROTOCOL.md).
      const candidates = [path.join(ROOT, named), path.join(ROOT, path.dirname(file), named)];
      if (!candidates.some((candidate) => existsSync(candidate))) broken.push(named);
    }
  }
  expect(broken).toEqual([]);
});
