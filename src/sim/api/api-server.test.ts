import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster';
import { ApiError } from './types';

// A bare cluster gives a wired API server; these tests write through ctx.api directly.
const setup = () => {
  const c = new Cluster({ nodes: 1 });
  return { c, api: c.ctx.api, store: c.ctx.store };
};

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('ApiServer', () => {
  it('gives identity on create and refuses duplicates with the API message', () => {
    const { api } = setup();
    const o = api.create(cm('a'));
    expect(o.metadata.uid).toMatch(/-4/);
    expect(o.metadata.creationTimestamp).toMatch(/Z$/);
    expect(() => api.create(cm('a'))).toThrow('configmaps "a" already exists');
  });

  it('fills generateName with a random suffix', () => {
    const { api } = setup();
    const o = api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'web-', namespace: 'default' } });
    expect(o.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('rejects writes into missing or terminating namespaces', () => {
    const { api } = setup();
    expect(() => api.create({ ...cm('a'), metadata: { name: 'a', namespace: 'nope' } })).toThrow('namespaces "nope" not found');
  });

  it('detects conflicting updates by resourceVersion', () => {
    const { api } = setup();
    const o = api.create(cm('a'));
    api.update({ ...o, data: { x: '1' } });
    const err = (() => {
      try {
        api.update({ ...o, data: { x: '2' } });
      } catch (e) {
        return e as ApiError;
      }
    })();
    expect(err?.reason).toBe('Conflict');
    expect(err?.message).toContain('the object has been modified');
  });

  it('bumps generation only when the spec changes', () => {
    const { api } = setup();
    const d = api.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    expect(d.metadata.generation).toBe(1);
    const labelled = api.mutate('Deployment', 'default', 'web', (x) => {
      x.metadata.labels = { team: 'a' };
    })!;
    expect(labelled.metadata.generation).toBe(1);
    const scaled = api.mutate('Deployment', 'default', 'web', (x) => {
      x.spec.replicas = 3;
    })!;
    expect(scaled.metadata.generation).toBe(2);
  });

  it('deletes a bound pod gracefully and an unbound one at once', () => {
    const { api, store, c } = setup();
    const spec = { containers: [{ name: 'c', image: 'nginx' }], terminationGracePeriodSeconds: 30 };
    api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound', namespace: 'default' }, spec: { ...spec, nodeName: 'node-1' } });
    api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'free', namespace: 'default' }, spec: { ...spec, schedulerName: 'nobody' } });
    api.delete('Pod', 'default', 'bound');
    api.delete('Pod', 'default', 'free');
    const bound = store.get('Pod', 'default', 'bound')!;
    expect(bound.metadata.deletionTimestamp).toBe(c.ctx.clock.iso(c.now + 30_000));
    expect(bound.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get('Pod', 'default', 'free')).toBeUndefined();
  });

  it('keeps objects with finalizers until the last one is removed', () => {
    const { api, store } = setup();
    api.create({ ...cm('held'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    api.delete('ConfigMap', 'default', 'held');
    expect(store.get('ConfigMap', 'default', 'held')!.metadata.deletionTimestamp).toBeDefined();
    api.mutate('ConfigMap', 'default', 'held', (o) => {
      o.metadata.finalizers = [];
    });
    expect(store.get('ConfigMap', 'default', 'held')).toBeUndefined();
  });

  it('refuses to delete the system namespaces and answers NotFound for missing objects', () => {
    const { api } = setup();
    expect(() => api.delete('Namespace', undefined, 'kube-system')).toThrow('namespaces "kube-system" is forbidden: this namespace may not be deleted');
    expect(() => api.delete('ConfigMap', 'default', 'ghost')).toThrow('configmaps "ghost" not found');
    expect(() => api.delete('Deployment', 'default', 'ghost')).toThrow('deployments.apps "ghost" not found');
  });
  it('a shallow mutate copies the top level and metadata in order, sharing the rest, and leaves out undefined members', () => {
    const { api, store } = setup();
    const a = api.create(cm('a', { k: 'v' }));
    const b = api.mutate('ConfigMap', 'default', 'a', (d) => {
      d.metadata.labels = { x: 'y' };
    }, { shallow: true })!;
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(b.data).toBe(a.data);
    expect(b.metadata.labels).toEqual({ x: 'y' });
    // An object written straight to the store with an undefined member (the API server never stores one).
    const stored = store.replace({ ...b, metadata: { ...b.metadata, annotations: undefined }, data: { k: 'u' }, extra: undefined } as any);
    expect(Object.keys(stored)).toContain('extra');
    const c = api.mutate('ConfigMap', 'default', 'a', (d) => {
      expect(Object.keys(d)).not.toContain('extra');
      expect(Object.keys(d.metadata)).not.toContain('annotations');
      d.data = { k: 'w' };
    }, { shallow: true })!;
    expect(c.data).toEqual({ k: 'w' });
  });

  it('a mutate marked changed is written and told without the store comparing; an unmarked identical one is dropped', () => {
    const { api, store } = setup();
    const a = api.create(cm('a', { k: 'v' }));
    const seen: string[] = [];
    store.watch('ConfigMap', (ch) => seen.push(`${ch.type} ${ch.object.data?.k} ${ch.object.metadata.resourceVersion}`));
    const same = api.mutate('ConfigMap', 'default', 'a', (d) => {
      d.data = { k: 'v' };
    }, { shallow: true })!;
    expect(same).toBe(a);
    const b = api.mutate('ConfigMap', 'default', 'a', (d) => {
      d.data = { k: 'w' };
    }, { shallow: true, changed: true })!;
    expect(b.data).toEqual({ k: 'w' });
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(store.get('ConfigMap', 'default', 'a')).toBe(b);
    expect(seen).toEqual([`MODIFIED w ${b.metadata.resourceVersion}`]);
  });
});
