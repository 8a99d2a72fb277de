import { describe, expect, it } from 'vitest';
import { addFileSource, filesOf, readFile } from './files';

describe('console files', () => {
  it('finds the -f names of a command line', () => {
    expect(filesOf(['kubectl', 'apply', '-f', 'web.yaml'])).toEqual(['web.yaml']);
    expect(filesOf(['kubectl', 'apply', '--filename=a.yaml', '-fb.yaml'])).toEqual(['a.yaml', 'b.yaml']);
    expect(filesOf(['kubectl', 'apply', '-f', '-'])).toEqual([]);
  });
  it('reads from the registered sources, first match wins, ./ ignored', () => {
    const off = addFileSource((n) => (n === 'web.yaml' ? 'kind: Pod' : undefined));
    expect(readFile('./web.yaml')).toBe('kind: Pod');
    expect(readFile('other.yaml')).toBeUndefined();
    off();
    expect(readFile('web.yaml')).toBeUndefined();
  });
});
