import { describe, expect, it } from 'vitest';
import { readUrlState, writeLabState, writeUrlState } from './url-state';

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
  it('reads and writes a lab step, keeping the other parameters', () => {
    expect(readUrlState('?lab=basics-03-replicasets&step=2')).toMatchObject({ lab: 'basics-03-replicasets', step: 2 });
    expect(readUrlState('?lab=x&step=0').step).toBeUndefined();
    expect(writeLabState('basics-07-deployments', 4, '?presenter=1')).toBe('?presenter=1&lab=basics-07-deployments&step=4');
    expect(writeLabState(undefined, 1, '?presenter=1&lab=a&step=2')).toBe('?presenter=1');
  });
});
