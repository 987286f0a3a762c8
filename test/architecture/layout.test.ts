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
