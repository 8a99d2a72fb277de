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
  // The namespace's own kube-root-ca.crt (root-ca-cert-publisher) is no part of these trees.
  const names = () => c.list('cm', { namespace: 'default' }).map((o) => o.metadata.name).filter((n) => n !== 'kube-root-ca.crt');
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

describe('garbage collector (property)', () => {
  it('after background deletions settle, no object keeps a reference to a missing owner, and nothing whose owners all went survives', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        // Object i may be owned by any of the objects before it (a DAG).
        fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        (ownerPicks, deletePicks) => {
          const { c, api, cm } = setup();
          const objs: KObject[] = [];
          ownerPicks.forEach((picks, i) => {
            const owners = i === 0 ? [] : [...new Set(picks.map((p) => p % i))].map((j) => objs[j]);
            objs.push(cm(`o${i}`, owners));
          });
          const deleted = new Set<string>();
          for (const d of deletePicks) {
            const o = objs[d % objs.length];
            if (deleted.has(o.metadata.name)) continue;
            deleted.add(o.metadata.name);
            if (c.get('cm', o.metadata.name)) api.delete('ConfigMap', 'default', o.metadata.name);
          }
          c.advance(2_000);
          const alive = new Map(c.list('cm', { namespace: 'default' }).map((o) => [o.metadata.uid, o]));
          // Expected survivors: an object survives iff it was not deleted and (it had no owners, or one owner survives).
          const survives = new Map<string, boolean>();
          objs.forEach((o, i) => {
            const owners = (o.metadata.ownerReferences ?? []).map((r) => objs.find((x) => x.metadata.uid === r.uid)!);
            const ok = !deleted.has(o.metadata.name) && (owners.length === 0 || owners.some((w) => survives.get(w.metadata.name)));
            survives.set(o.metadata.name, ok);
            void i;
          });
          for (const o of objs) expect(alive.has(o.metadata.uid)).toBe(survives.get(o.metadata.name));
          for (const o of alive.values()) for (const r of o.metadata.ownerReferences ?? []) expect(alive.has(r.uid)).toBe(true);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });
});
