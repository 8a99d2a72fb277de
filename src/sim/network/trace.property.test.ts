import { expect, test } from 'vitest';
import fc from 'fast-check';
import { createCluster } from '../index';
import { installRuntimeDouble } from './testing';
import type { Network } from './network';

// Seeds that once failed are kept, as the store fuzz test does.
const SEEDS = [7, 1234];

test.each(SEEDS)('delivered traces are connected paths, DNAT targets a ready endpoint, and no two pods share an IP (seed %i)', (seed) => {
  const c = createCluster({ seed, nodes: 3 });
  installRuntimeDouble(c);
  const docs: string[] = [];
  for (let i = 0; i < 4; i++) {
    docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}}\nspec:\n  replicas: ${2 + i}\n  selector: {matchLabels: {app: d${i}}}\n  template:\n    metadata: {labels: {app: d${i}}}\n    spec:\n      containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]\n`);
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec:\n  type: ${i % 2 ? 'NodePort' : 'ClusterIP'}\n  selector: {app: d${i}}\n  ports: [{port: 80, targetPort: http}]\n`);
  }
  for (const r of c.apply(docs.join('---\n'))) if (r.error) throw new Error(r.error.message);
  c.advance(15_000);
  const pods = c.list('pod') as any[];
  const ips = pods.filter((p) => p.status?.podIP && !p.spec.hostNetwork).map((p) => p.status.podIP);
  expect(new Set(ips).size).toBe(ips.length);
  const names = pods.filter((p) => p.metadata.namespace === 'default').map((p) => p.metadata.name);
  const proxy = (c.network as Network).kubeProxy;
  fc.assert(
    fc.property(fc.constantFrom(...names), fc.constantFrom('s0', 's1', 's2', 's3', ...names.map((n) => `pod:${n}`)), (from, dest) => {
      const to = dest.startsWith('pod:') ? `pod/default/${dest.slice(4)}` : `service/default/${dest}`;
      const t = c.trace({ from: `pod/default/${from}`, to });
      expect(t.outcome).toBe('delivered');
      for (let i = 1; i < t.hops.length; i++) {
        const a = t.hops[i - 1];
        const b = t.hops[i];
        if (a.node && b.node) expect(b.node).toBe(a.node);
      }
      expect(t.hops[t.hops.length - 1].where).toBe(t.servedBy);
      for (const h of t.hops.filter((x) => x.action === 'dnat')) {
        const sp = proxy.servicePorts().find((s) => s.endpoints.some((e) => e.chain === h.rule))!;
        const ep = sp.endpoints.find((e) => e.chain === h.rule)!;
        expect(ep.ready).toBe(true);
        expect(h.packet.dst).toBe(ep.ip);
      }
    }),
    { seed, numRuns: 60 },
  );
});
