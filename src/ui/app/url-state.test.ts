import { describe, expect, it } from 'vitest';
import { readUrlState, writeUrlState } from './url-state';

describe('deep links', () => {
  it('reads presenter, namespace and speed, ignoring absurd speeds', () => {
    expect(readUrlState('?presenter=1&ns=shop&speed=4')).toMatchObject({ presenter: true, namespace: 'shop', speed: 4 });
    expect(readUrlState('?speed=999').speed).toBeUndefined();
    expect(readUrlState('').presenter).toBe(false);
  });
  it('writes back only what differs from the defaults', () => {
    expect(writeUrlState({ presenter: true, namespace: '' }, '?fresh=1')).toBe('?presenter=1');
    expect(writeUrlState({ presenter: false, namespace: 'a' }, '')).toBe('?ns=a');
  });
});
