import { describe, expect, it } from 'vitest';
import { threeWayMerge } from './apply';
import { createCluster } from '../index';

describe('three-way merge', () => {
  it('applied fields win, dropped fields go, fields nobody applied stay', () => {
    const live = { spec: { replicas: 3, paused: true, progressDeadlineSeconds: 600 } };
    const last = { spec: { replicas: 3, paused: true } };
    const applied = { spec: { replicas: 5 } };
    expect(threeWayMerge(live, last, applied)).toEqual({ spec: { replicas: 5, progressDeadlineSeconds: 600 } });
  });

  it('merges named lists by key, keeping allocated values such as nodePort', () => {
    const live = { ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }, { port: 443, nodePort: 30443 }] };
    const last = { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] };
    const applied = { ports: [{ port: 80, targetPort: 9090 }] };
    expect(threeWayMerge(live, last, applied, undefined)).toEqual({ ports: [{ port: 80, targetPort: 9090, nodePort: 30080 }] });
  });
});

describe('apply', () => {
  it('reports a broken document with its line and still applies the others', () => {
    const c = createCluster();
    const results = c.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: [\n`);
    expect(results[0]).toMatchObject({ kind: 'ConfigMap', name: 'ok', action: 'created' });
    expect(results[1].error?.line).toBeGreaterThanOrEqual(7);
    expect(c.get('cm', 'ok')).toBeDefined();
  });

  it('answers missing kind, apiVersion and name clearly', () => {
    const c = createCluster();
    expect(c.apply(`apiVersion: v1\nmetadata: {name: x}\n`)[0].error?.message).toContain('kind not set');
    expect(c.apply(`kind: Pod\nmetadata: {name: x}\n`)[0].error?.message).toContain('apiVersion not set');
    expect(c.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n`)[0].error?.message).toContain('resource name may not be empty');
    expect(c.apply(`- just\n- a list\n`)[0].error?.message).toContain('not an object');
  });

  it('suggests the right kind for a misspelt one', () => {
    const c = createCluster();
    const [r] = c.apply(`apiVersion: apps/v1\nkind: deployment\nmetadata: {name: x}\n`);
    expect(r.error?.message).toContain('no matches for kind "deployment" in version "apps/v1"');
    expect(r.error?.hint).toContain('kind: Deployment');
    expect(r.error?.line).toBe(2);
  });

  it('expands a List into its items', () => {
    const c = createCluster();
    const r = c.apply(`apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n`);
    expect(r.map((x) => x.name)).toEqual(['a', 'b']);
  });

  it('refuses a namespace that contradicts the one asked for', () => {
    const c = createCluster();
    const [r] = c.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: kube-system}\n`, { namespace: 'default' });
    expect(r.error?.message).toContain(`the namespace from the provided object "kube-system" does not match the namespace "default"`);
  });
});
