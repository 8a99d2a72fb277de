import { describe, expect, it } from 'vitest';
import { ObjectStore } from './store';
import type { Change, KObject } from './types';

const pod = (name: string, node?: string, ns = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, resourceVersion: '', creationTimestamp: '' },
  spec: { nodeName: node },
});

describe('ObjectStore', () => {
  it('hands out increasing resourceVersions and moves them only on a real change', () => {
    const s = new ObjectStore();
    const changes: Change['type'][] = [];
    s.watch('Pod', (c) => changes.push(c.type));
    const a = s.add(pod('a'));
    expect(a.metadata.resourceVersion).toBe('1');
    const same = s.replace({ ...pod('a'), metadata: { ...pod('a').metadata } });
    expect(same).toBe(a);
    expect(changes).toEqual(['ADDED']);
    const moved = s.replace(pod('a', 'node-1'));
    expect(moved.metadata.resourceVersion).toBe('2');
    s.remove('Pod', 'default', 'a');
    expect(changes).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('freezes stored objects under test so nobody mutates the cache', () => {
    const s = new ObjectStore();
    const a = s.add(pod('a'));
    expect(() => {
      (a.spec as any).nodeName = 'x';
    }).toThrow();
  });

  it('keeps indexes in step with adds, replaces and removes', () => {
    const s = new ObjectStore();
    s.addIndex('byNode', 'Pod', (o) => (o.spec?.nodeName ? [o.spec.nodeName] : []));
    s.add(pod('a', 'n1'));
    s.add(pod('b', 'n1'));
    s.add(pod('c', 'n2'));
    expect(s.byIndex('byNode', 'n1').map((p) => p.metadata.name).sort()).toEqual(['a', 'b']);
    s.replace(pod('a', 'n2'));
    s.remove('Pod', 'default', 'c');
    expect(s.byIndex('byNode', 'n1').map((p) => p.metadata.name)).toEqual(['b']);
    expect(s.byIndex('byNode', 'n2').map((p) => p.metadata.name)).toEqual(['a']);
  });

  it('lists sorted by namespace then name, per namespace or all', () => {
    const s = new ObjectStore();
    s.add(pod('b', undefined, 'x'));
    s.add(pod('a', undefined, 'y'));
    s.add(pod('c', undefined, 'x'));
    expect(s.list('Pod').map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['x/b', 'x/c', 'y/a']);
    expect(s.list('Pod', 'y').map((p) => p.metadata.name)).toEqual(['a']);
    expect(s.count('Pod')).toBe(3);
  });
  it('keeps each index bucket in last-write order: a modified object moves to the end, as remove + add would', () => {
    const s = new ObjectStore();
    s.add(pod('a', 'n1'));
    s.add(pod('b', 'n1'));
    s.add(pod('c', 'n1'));
    // An index declared after the objects lists them in store order; a value named twice counts once.
    s.addIndex('byNode', 'Pod', (o) => (o.spec?.nodeName ? [o.spec.nodeName, o.spec.nodeName] : []));
    s.addIndex('all', 'Pod', () => ['x']);
    const names = (index: string, v: string) => s.byIndex(index, v).map((p) => p.metadata.name).join(',');
    expect(names('byNode', 'n1')).toBe('a,b,c');
    s.replace({ ...pod('a', 'n1'), status: { phase: 'Running' } });
    expect(names('byNode', 'n1')).toBe('b,c,a');
    expect(names('all', 'x')).toBe('b,c,a');
    s.replace(pod('b', 'n2'));
    expect(names('byNode', 'n1')).toBe('c,a');
    expect(names('byNode', 'n2')).toBe('b');
    expect(names('all', 'x')).toBe('c,a,b');
    expect(s.indexCount('byNode', 'n1')).toBe(2);
    // Declaring an index again under the same name rebuilds it from the objects as they are now.
    s.addIndex('byNode', 'Pod', (o) => (o.spec?.nodeName ? [o.spec.nodeName] : []));
    expect(names('byNode', 'n1')).toBe('a,c');
    s.replace(pod('c', 'n1', 'default'));
    s.remove('Pod', 'default', 'a');
    expect(names('byNode', 'n1')).toBe('c');
    expect(names('all', 'x')).toBe('c,b');
    s.remove('Pod', 'default', 'c');
    expect(s.byIndex('byNode', 'n1')).toEqual([]);
    expect(s.indexCount('byNode', 'n1')).toBe(0);
    s.add(pod('d', 'n1'));
    expect(names('byNode', 'n1')).toBe('d');
    expect(s.getByUid('uid-default-d')?.metadata.name).toBe('d');
  });

  it('finds events by uid as it finds other objects, and not once they are removed or replaced by another uid', () => {
    const s = new ObjectStore();
    const event = (name: string, uid: string): KObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default', uid, resourceVersion: '', creationTimestamp: '' }, reason: 'Pulled' });
    s.add(pod('a'));
    const e1 = s.add(event('a.1', 'ev-1'));
    const e2 = s.add(event('a.2', 'ev-2'));
    expect(s.getByUid('uid-default-a')?.metadata.name).toBe('a');
    expect(s.getByUid('ev-1')).toBe(e1);
    s.remove('Event', 'default', 'a.2');
    const e3 = s.add(event('a.3', 'ev-3'));
    s.remove('Event', 'default', 'a.3');
    expect(s.getByUid('ev-2')).toBeUndefined();
    expect(s.getByUid('ev-3')).toBeUndefined();
    expect(e2.metadata.name).toBe('a.2');
    expect(e3.metadata.name).toBe('a.3');
    const e4 = s.add(event('a.4', 'ev-4'));
    const e4b = s.replace(event('a.4', 'ev-4b'));
    expect(s.getByUid('ev-4')).toBeUndefined();
    expect(s.getByUid('ev-4b')).toBe(e4b);
    expect(e4).not.toBe(e4b);
    expect(s.getByUid('nope')).toBeUndefined();
    expect(s.getByUid('ev-1')).toBe(e1);
  });
});
