import { expect, it } from 'vitest';
import { createCluster } from '../index';

it('kubectl exec into a kube-proxy pod shows the node nat table as iptables-save prints it', () => {
  const c = createCluster();
  c.kubectl('kubectl create deployment web --image=web:1 --replicas=2');
  c.kubectl('kubectl expose deployment web --port=80 --target-port=8080');
  c.advance(20_000);
  const kp = c.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' })[0];
  const r = c.kubectl(`kubectl exec -n kube-system ${kp.metadata.name} -- iptables-save -t nat`);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/^\*nat$/m);
  expect(r.stdout).toContain(':KUBE-SERVICES - [0:0]');
  expect(r.stdout).toContain('"default/web cluster IP"');
  // Two endpoints: the first rule is taken with probability 1/2, the last unconditionally.
  expect(r.stdout).toMatch(/default\/web -> 10\.244\.\d+\.\d+:8080" -m statistic --mode random --probability 0\.5000000000 -j KUBE-SEP-/);
  expect(r.stdout.trimEnd().split("\n").slice(-2)).toEqual(["COMMIT", expect.stringMatching(/^# Completed on /)]);
});
