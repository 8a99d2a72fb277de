import { expect, it } from 'vitest';
import { createCluster } from '../index';

it('the kubernetes Service has the API server as its endpoint, and pods reach it by name', () => {
  const c = createCluster();
  expect(c.kubectl('kubectl get endpoints kubernetes').stdout).toMatch(/^kubernetes\s+192\.168\.49\.10:6443\s+/m);
  // The API server writes the slice itself; nothing mirrors a second one.
  expect(c.list('endpointslices', { namespace: 'default' }).map((s) => s.metadata.name)).toEqual(['kubernetes']);
  c.kubectl('kubectl run client --image=busybox:1.36 -- sleep 3600');
  c.advance(15_000);
  const t = c.trace({ from: 'pod/default/client', to: 'kubernetes.default.svc', port: 443 });
  expect(t.outcome).toBe('delivered');
  expect(t.servedBy).toBe('pod/kube-system/kube-apiserver-control-plane');
  expect(t.hops.some((h) => h.action === 'dnat' && h.packet.dst === '192.168.49.10' && h.packet.dstPort === 6443)).toBe(true);
});
