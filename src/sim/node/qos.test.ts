import { describe, expect, it } from 'vitest';
import { qosClass } from './qos';

const c = (requests?: Record<string, unknown>, limits?: Record<string, unknown>) => ({ name: 'x', resources: { requests, limits } });

describe('qosClass', () => {
  it('is Guaranteed when every container limits cpu and memory and requests equal them (or are left out)', () => {
    expect(qosClass({ containers: [c({ cpu: '500m', memory: '128Mi' }, { cpu: '0.5', memory: '134217728' })] })).toBe('Guaranteed');
    expect(qosClass({ containers: [c(undefined, { cpu: '1', memory: '1Gi' })] })).toBe('Guaranteed');
  });

  it('counts init containers: one without limits makes the pod Burstable', () => {
    const spec = { initContainers: [c({ cpu: '100m' })], containers: [c(undefined, { cpu: '1', memory: '1Gi' })] };
    expect(qosClass(spec)).toBe('Burstable');
  });

  it('is Burstable when a request differs from its limit, the same text read again giving the same answer', () => {
    for (let i = 0; i < 3; i++) expect(qosClass({ containers: [c({ cpu: '250m', memory: '1Gi' }, { cpu: '500m', memory: '1Gi' })] })).toBe('Burstable');
  });

  it('is BestEffort with no cpu or memory asked for; other resources and zero quantities do not count', () => {
    expect(qosClass({ containers: [c({ 'ephemeral-storage': '1Gi' }), c({ cpu: '0' })] })).toBe('BestEffort');
    expect(qosClass({})).toBe('BestEffort');
    expect(qosClass(undefined)).toBe('BestEffort');
  });
});
