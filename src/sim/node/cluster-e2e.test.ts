import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { ContainerRuntime } from './runtime';

describe('kubelets in a whole cluster', () => {
  it('a new cluster has every system pod Running and Ready, nodes Ready with leases', () => {
    const c = createCluster();
    const sys = c.list('pod', { namespace: 'kube-system' });
    expect(sys.length).toBeGreaterThanOrEqual(12);
    for (const p of sys) {
      expect(p.status?.phase, p.metadata.name).toBe('Running');
      expect(p.status.conditions.find((x: any) => x.type === 'Ready').status, p.metadata.name).toBe('True');
    }
    // hostNetwork pods have the node's IP; CoreDNS gets one from its node's pod CIDR.
    expect(c.get('pod', 'etcd-control-plane', 'kube-system')!.status.podIP).toBe('192.168.49.10');
    const dns = sys.find((p) => p.metadata.name.startsWith('coredns-'))!;
    expect(dns.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    const rt = c.ctx.services.get('runtime') as ContainerRuntime;
    expect(rt.serve('kube-system', dns.metadata.name, 8181, 'TCP', { path: '/ready' })!.http).toEqual({ status: 200, body: 'OK' });
    expect(rt.serve('kube-system', dns.metadata.name, 53, 'UDP')).toEqual({ container: 'coredns' });
    for (const n of c.list('node')) {
      expect(n.status.conditions.find((x: any) => x.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
      expect(c.get('lease', n.metadata.name, 'kube-node-lease')).toBeDefined();
    }
  });

  it('runs a pod bound by hand through the public API, with its events', () => {
    const c = createCluster();
    c.apply(`apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  nodeName: node-2
  containers:
  - name: web
    image: web:1
    ports: [{containerPort: 8080}]
`);
    c.advance(5000);
    const p = c.get('pod', 'hello')!;
    expect(p.status.phase).toBe('Running');
    const reasons = c
      .events()
      .filter((e) => e.involvedObject.name === 'hello')
      .map((e) => e.reason);
    expect(reasons).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    const rt = c.ctx.services.get('runtime') as ContainerRuntime;
    expect(rt.serve('default', 'hello', 8080, 'TCP', { path: '/' })!.http!.body).toBe('Hello from hello (web:1)\n');
  });

  it('stopping a node kubelet stops its lease renewals', () => {
    const c = createCluster();
    const before = c.get('lease', 'node-1', 'kube-node-lease')!.spec.renewTime;
    c.kubelets.get('node-1')!.stop();
    c.advance(30_000);
    expect(c.get('lease', 'node-1', 'kube-node-lease')!.spec.renewTime).toBe(before);
    expect(c.get('lease', 'node-2', 'kube-node-lease')!.spec.renewTime).not.toBe(before);
  });
});
