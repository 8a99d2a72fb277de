import { describe, expect, it } from 'vitest';
import { fromLabelSelector, matches, parseSelector, SelectorParseError, selectorFromMap, parseFieldSelector, sameLabels } from './selectors';

describe('label selectors', () => {
  const web = { app: 'web', tier: 'front', env: 'prod' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=back', false],
    ['env in (prod,staging)', true],
    ['env notin (prod)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['', true],
  ])('%s matches %s', (sel, expected) => {
    expect(matches(parseSelector(sel), web)).toBe(expected);
  });

  it('rejects malformed selectors with a parse error', () => {
    expect(() => parseSelector('app=web,,')).toThrow(SelectorParseError);
    expect(() => parseSelector('app~web')).toThrow(/unable to parse requirement/);
  });

  it('a nil LabelSelector selects nothing, an empty one everything', () => {
    expect(matches(fromLabelSelector(undefined), web)).toBe(false);
    expect(matches(fromLabelSelector({}), web)).toBe(true);
    expect(matches(fromLabelSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }), web)).toBe(true);
  });

  it('a Service selector that is empty selects nothing', () => {
    expect(matches(selectorFromMap({}), web)).toBe(false);
    expect(matches(selectorFromMap({ app: 'web' }), web)).toBe(true);
  });

  it('field selectors compare dotted paths', () => {
    const pod = { metadata: { name: 'a' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };
    expect(parseFieldSelector('spec.nodeName=node-1')(pod)).toBe(true);
    expect(parseFieldSelector('status.phase!=Running')(pod)).toBe(false);
  });
});

describe('sameLabels', () => {
  it('compares label sets, no labels being the empty set', () => {
    expect(sameLabels({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameLabels({ a: '1' }, { a: '2' })).toBe(false);
    expect(sameLabels({ a: '1' }, { a: '1', b: '2' })).toBe(false);
    expect(sameLabels({ a: '1', b: '2' }, { a: '1' })).toBe(false);
    expect(sameLabels(undefined, {})).toBe(true);
    expect(sameLabels(undefined, { a: '1' })).toBe(false);
    expect(sameLabels({ a: '1' }, undefined)).toBe(false);
  });
});
