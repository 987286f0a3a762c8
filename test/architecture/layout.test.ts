// The layout's rules that Biome's per-import checks cannot see: no cycle between capability folders (a capability
// may use another, never in a circle), no file-level cycle anywhere, and every deployed function is only its entry.
import fs from 'node:fs';
import path from 'node:path';
import { cycles, importEdges, ROOT } from './import-graph';

const capabilityOf = (file: string) => file.split('/').slice(0, 2).join('/');

describe('the layout of functions/ and capabilities/', () => {
  const edges = importEdges(['functions', 'capabilities', 'contracts']);

  it('has no import cycle between files', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('has no import cycle between capability folders', () => {
    const folderEdges = edges
      .filter(([from, to]) => from.startsWith('capabilities/') && to.startsWith('capabilities/'))
      .map(([from, to]) => [capabilityOf(from), capabilityOf(to)] as const);
    expect(cycles(folderEdges)).toEqual([]);
  });

  it('keeps each deployed function to one entry file, importing no other function', () => {
    for (const fn of fs.readdirSync(path.join(ROOT, 'functions'))) {
      expect(fs.readdirSync(path.join(ROOT, 'functions', fn))).toEqual(['handler.ts']);
    }
    const crossFunction = edges.filter(([from, to]) => from.startsWith('functions/') && to.startsWith('functions/') && from !== to);
    expect(crossFunction).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    expect(
      cycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });
});

describe("the README's table of where things live", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Where things live'), readme.indexOf('## Add a route'));
  const named = [...table.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  const folders = (dir: string) =>
    fs
      .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);

  it('names every capability folder and every test folder', () => {
    expect(table.length).toBeGreaterThan(1000);
    const missing = [
      ...folders('capabilities').filter((name) => !named.some((n) => n === `capabilities/${name}/` || n === `${name}/`)),
      ...folders('test').filter((name) => !named.some((n) => n.startsWith(`test/${name}`))),
    ];
    expect(missing).toEqual([]);
  });

  it('names only paths that exist (placeholders such as <route> aside)', () => {
    const paths = named.filter(
      (n) => /^(bin|bench|capabilities|contracts|functions|lib|local|scripts|sim|test)\//.test(n) && !/[<*]/.test(n),
    );
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });
});
