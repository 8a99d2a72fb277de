import { describe, expect, it } from 'vitest';
import { createCluster, restoreCluster } from './index';

describe('cluster', () => {
  it('boots a kubeadm-like cluster with namespaces and nodes', () => {
    const c = createCluster();
    expect(c.list('ns').map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(c.list('nodes').map((n) => n.metadata.name)).toEqual(['control-plane', 'node-1', 'node-2', 'node-3']);
    expect(c.get('node', 'control-plane')!.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(c.get('pod', 'etcd-control-plane', 'kube-system')).toBeDefined();
    expect(c.now).toBe(30_000);
  });

  it('applies, reports unchanged, and reconfigures', () => {
    const c = createCluster();
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n`;
    expect(c.apply(cm)).toEqual([{ kind: 'ConfigMap', name: 'cfg', namespace: 'default', action: 'created' }]);
    expect(c.apply(cm)[0].action).toBe('unchanged');
    expect(c.apply(cm.replace('"1"', '"2"'))[0].action).toBe('configured');
    expect(c.get('cm', 'cfg')!.data).toEqual({ a: '2' });
  });

  it('answers retired apiVersions with the real message, a hint and the line', () => {
    const c = createCluster();
    const [r] = c.apply(`# old slide\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\n`);
    expect(r.error!.message).toContain('no matches for kind "Deployment" in version "extensions/v1beta1"');
    expect(r.error!.hint).toContain('apps/v1');
    expect(r.error!.line).toBe(2);
  });

  it('snapshots round-trip exactly', () => {
    const c = createCluster({ seed: 7 });
    c.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n`);
    c.advance(1000);
    c.advance(500);
    const snap = c.snapshot();
    const r = restoreCluster(snap);
    expect(r.snapshot()).toEqual(snap);
    expect(r.now).toBe(c.now);
    expect(r.get('cm', 'cfg')!.metadata.uid).toBe(c.get('cm', 'cfg')!.metadata.uid);
  });
});
