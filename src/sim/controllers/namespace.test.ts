import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { NewObject } from '../api/types';

function setup() {
  const c = createCluster({ nodes: [] });
  const api = c.ctx.api;
  api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] } } as NewObject);
  const cm = (name: string, finalizers?: string[]) =>
    api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team', ...(finalizers ? { finalizers } : {}) } } as NewObject);
  return { c, api, cm };
}

const condition = (ns: any, type: string) => ns.status.conditions.find((x: any) => x.type === type);

describe('namespace controller', () => {
  it('deletes everything in a terminating namespace, then the namespace', () => {
    const { c, api, cm } = setup();
    cm('a');
    cm('b');
    api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as NewObject);
    api.delete('Namespace', undefined, 'team');
    expect(c.get('ns', 'team')!.status.phase).toBe('Terminating');
    c.advance(200);
    expect(c.list('cm', { namespace: 'team' })).toEqual([]);
    expect(c.list('pod', { namespace: 'team' })).toEqual([]);
    expect(c.get('ns', 'team')).toBeUndefined();
  });

  it('refuses new content while terminating', () => {
    const { api, cm } = setup();
    cm('held', ['example.com/hold']);
    api.delete('Namespace', undefined, 'team');
    expect(() => cm('new')).toThrow('unable to create new content in namespace team because it is being terminated');
  });

  it('waits for content held by finalizers and says so in its conditions', () => {
    const { c, api, cm } = setup();
    cm('held', ['example.com/hold']);
    api.delete('Namespace', undefined, 'team');
    c.advance(200);
    const ns = c.get('ns', 'team')!;
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
    expect(condition(ns, 'NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: configmaps. has 1 resource instances',
    });
    expect(condition(ns, 'NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    api.mutate('ConfigMap', 'team', 'held', (d) => {
      d.metadata.finalizers = [];
    });
    c.advance(200);
    expect(c.get('ns', 'team')).toBeUndefined();
  });

  it('cannot delete default, kube-system or kube-public', () => {
    const { c } = setup();
    const r = c.delete('ns/kube-system');
    expect(r.error!.message).toBe('Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });
});
