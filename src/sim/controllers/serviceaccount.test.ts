import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

describe('service account controller and root CA publisher', () => {
  it('every namespace has its default ServiceAccount and kube-root-ca.crt, new ones within a tick', () => {
    const c = createCluster({ seed: 1 });
    expect(c.kubectl('get sa -A').stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/).slice(0, 2).join('/'))).toEqual([
      'default/default',
      'kube-node-lease/default',
      'kube-public/default',
      'kube-system/default',
    ]);
    c.kubectl('create namespace team');
    c.advance(100);
    expect(c.get('sa', 'default', 'team')).toBeDefined();
    const cm = c.get('cm', 'kube-root-ca.crt', 'team') as any;
    expect(cm.data['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(cm.metadata.annotations['kubernetes.io/description']).toMatch(/^Contains a CA bundle that can be used to verify the kube-apiserver/);
    // The same bundle a pod finds in its service account mount.
    c.kubectl('run b --image=busybox -n team -- sleep 3600');
    c.advance(10_000);
    expect(c.kubectl('exec -n team b -- cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt').stdout).toBe(cm.data['ca.crt']);
  });

  it('puts back what someone deletes or edits', () => {
    const c = createCluster({ seed: 1 });
    const uid = (c.get('sa', 'default') as any).metadata.uid;
    c.kubectl('delete sa default');
    c.kubectl('delete cm kube-root-ca.crt');
    c.advance(100);
    expect((c.get('sa', 'default') as any).metadata.uid).not.toBe(uid);
    expect(c.get('cm', 'kube-root-ca.crt')).toBeDefined();
    c.kubectl('patch cm kube-root-ca.crt -p {"data":{"ca.crt":"x"}}');
    c.advance(100);
    expect((c.get('cm', 'kube-root-ca.crt') as any).data['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('draws its uids from a side stream: recreating the ServiceAccount leaves the names and placements that follow as they were', () => {
    const run = (recreate: boolean) => {
      const c = createCluster({ seed: 5 });
      if (recreate) c.kubectl('delete sa default');
      c.advance(100);
      c.kubectl('create deployment web --image=nginx:1.25 --replicas=4');
      c.advance(20_000);
      return c.kubectl('get pods -o wide').stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 7).join(' '));
    };
    expect(run(true)).toEqual(run(false));
  });
});
