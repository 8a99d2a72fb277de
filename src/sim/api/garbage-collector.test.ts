import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { KObject, NewObject } from './types';

function setup() {
  const c = createCluster({ nodes: [] });
  const api = c.ctx.api;
  const cm = (name: string, owners: KObject[] = [], block = false): KObject =>
    api.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: 'default',
        ...(owners.length
          ? {
              ownerReferences: owners.map((o) => ({
                apiVersion: o.apiVersion,
                kind: o.kind,
                name: o.metadata.name,
                uid: o.metadata.uid,
                ...(block ? { blockOwnerDeletion: true } : {}),
              })),
            }
          : {}),
      },
    } as NewObject);
  const names = () => c.list('cm', { namespace: 'default' }).map((o) => o.metadata.name);
  return { c, api, cm, names };
}

describe('garbage collector', () => {
  it('background: deletes dependents whose only owner is gone, down the tree', () => {
    const { c, api, cm, names } = setup();
    const owner = cm('owner');
    const child = cm('child', [owner]);
    cm('grandchild', [child]);
    cm('bystander');
    api.delete('ConfigMap', 'default', 'owner');
    c.advance(500);
    expect(names()).toEqual(['bystander']);
  });

  it('background: a dependent with another live owner only loses the dangling reference', () => {
    const { c, api, cm } = setup();
    const a = cm('a');
    const b = cm('b');
    cm('shared', [a, b]);
    api.delete('ConfigMap', 'default', 'a');
    c.advance(500);
    const shared = c.get('cm', 'shared')!;
    expect(shared.metadata.ownerReferences!.map((r: { name: string }) => r.name)).toEqual(['b']);
  });

  it('deletes an object created with a reference to an owner that does not exist', () => {
    const { c, cm, names } = setup();
    const ghost = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost', uid: 'no-such-uid' } } as KObject;
    cm('orphaned', [ghost]);
    c.advance(500);
    expect(names()).toEqual([]);
  });

  it('foreground: the owner waits for its blocking dependents, then goes', () => {
    const { c, api, cm, names } = setup();
    const owner = cm('owner');
    const child = cm('child', [owner], true);
    // A finalizer on the child keeps it (and so the owner) around.
    api.mutate('ConfigMap', 'default', 'child', (d) => {
      d.metadata.finalizers = ['example.com/hold'];
    });
    api.delete('ConfigMap', 'default', 'owner', { propagationPolicy: 'Foreground' });
    c.advance(500);
    expect(c.get('cm', 'owner')!.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(c.get('cm', 'owner')!.metadata.deletionTimestamp).toBeDefined();
    expect(c.get('cm', 'child')!.metadata.deletionTimestamp).toBeDefined();
    api.mutate('ConfigMap', 'default', 'child', (d) => {
      d.metadata.finalizers = [];
    });
    c.advance(500);
    expect(names()).toEqual([]);
    void child;
  });

  it('foreground: non-blocking dependents do not hold the owner', () => {
    const { c, api, cm } = setup();
    const owner = cm('owner');
    cm('child', [owner], false);
    api.mutate('ConfigMap', 'default', 'child', (d) => {
      d.metadata.finalizers = ['example.com/hold'];
    });
    api.delete('ConfigMap', 'default', 'owner', { propagationPolicy: 'Foreground' });
    c.advance(500);
    expect(c.get('cm', 'owner')).toBeUndefined();
    expect(c.get('cm', 'child')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('orphan: dependents lose the reference and stay; the owner goes', () => {
    const { c, api, cm, names } = setup();
    const owner = cm('owner');
    cm('child', [owner]);
    api.delete('ConfigMap', 'default', 'owner', { propagationPolicy: 'Orphan' });
    c.advance(500);
    expect(names()).toEqual(['child']);
    expect(c.get('cm', 'child')!.metadata.ownerReferences).toBeUndefined();
  });
});
