/** The cluster autoscaler add-on end to end: scale-up for unschedulable pods, its refusals, scale-down of unneeded nodes. */
import { describe, expect, it } from 'vitest';
import { createCluster, restoreCluster } from '../index';
import { autoscalerOptions } from './cluster-autoscaler';

const big = (replicas: number, cpu = '3') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers: [{name: c, image: nginx:1.25, resources: {requests: {cpu: "${cpu}"}}}]
`;

const nodeNames = (c: ReturnType<typeof createCluster>) => c.list('nodes').map((n: any) => n.metadata.name);
const caEvents = (c: ReturnType<typeof createCluster>) =>
  c
    .events()
    .filter((e: any) => e.source?.component === 'cluster-autoscaler')
    .map((e: any) => `${e.involvedObject.kind}/${e.involvedObject.name.replace(/-[a-z0-9]{8,10}-[a-z0-9]{5}$/, '-*')} ${e.reason}: ${e.message}`);

describe('cluster autoscaler options', () => {
  it('defaults to the starting workers as min and 10 as max; the spec can set both', () => {
    expect(autoscalerOptions({ addons: { clusterAutoscaler: true } })).toMatchObject({ minNodes: 3, maxNodes: 10 });
    expect(autoscalerOptions({ nodes: 2, addons: { clusterAutoscaler: { minNodes: 1, maxNodes: 4 } } })).toMatchObject({ minNodes: 1, maxNodes: 4 });
  });
});

describe('cluster autoscaler', () => {
  it('adds workers shaped like the others for pods unschedulable for lack of cpu, and they run there', () => {
    const c = createCluster({ addons: { clusterAutoscaler: true } });
    c.apply(big(5));
    c.advance(5_000);
    expect(nodeNames(c)).toEqual(['control-plane', 'node-1', 'node-2', 'node-3']);
    c.advance(55_000);
    expect(nodeNames(c)).toEqual(['control-plane', 'node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    const n4 = c.get('node', 'node-4') as any;
    expect(n4.status.allocatable).toMatchObject({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(n4.status.addresses[0]).toEqual({ type: 'InternalIP', address: '192.168.49.14' });
    expect(c.list('pods', { labelSelector: 'app=big' }).map((p: any) => p.status.phase)).toEqual(['Running', 'Running', 'Running', 'Running', 'Running']);
    expect(caEvents(c)).toEqual([
      'Pod/big-* TriggeredScaleUp: pod triggered scale-up: [{default-pool 3->5 (max: 10)}]',
      'Pod/big-* TriggeredScaleUp: pod triggered scale-up: [{default-pool 3->5 (max: 10)}]',
    ]);
    // kube-proxy and flannel came to the new nodes too.
    expect(c.list('pods', { namespace: 'kube-system', fieldSelector: 'spec.nodeName=node-5' }).length).toBe(2);
  });

  it('says why a pod did not trigger a scale-up: too big for any new node, or the group at its max', () => {
    const c = createCluster({ addons: { clusterAutoscaler: { maxNodes: 3 } } });
    c.apply(big(4));
    c.apply(`apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers: [{name: c, image: nginx:1.25, resources: {requests: {cpu: "64"}}}]
`);
    c.advance(15_000);
    expect(nodeNames(c)).toHaveLength(4);
    const events = caEvents(c);
    expect(events).toContain("Pod/huge NotTriggerScaleUp: pod didn't trigger scale-up: 1 Insufficient cpu");
    expect(events).toContain("Pod/big-* NotTriggerScaleUp: pod didn't trigger scale-up: 1 max node group size reached");
  });

  it('removes nodes unneeded for 10 minutes (tainted, drained, deleted) down to its min, but not past a budget', () => {
    const c = createCluster({ addons: { clusterAutoscaler: true } });
    c.apply(big(5));
    c.advance(60_000);
    expect(nodeNames(c)).toHaveLength(6);
    c.kubectl('scale deploy big --replicas=3');
    c.apply(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: big}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: big}}
`);
    c.advance(9 * 60_000);
    expect(nodeNames(c)).toHaveLength(6); // unneeded, but not for 10 minutes yet
    c.advance(6 * 60_000);
    // The two empty workers went; every node with a big pod stays, as the budget allows no disruption.
    expect(nodeNames(c)).toHaveLength(4);
    const scaleDown = caEvents(c).filter((e) => e.includes('ScaleDown'));
    expect(scaleDown).toHaveLength(4);
    expect(scaleDown.filter((e) => e.endsWith('marked the node as toBeDeleted/unschedulable'))).toHaveLength(2);
    expect(scaleDown.filter((e) => e.endsWith('node removed by cluster autoscaler'))).toHaveLength(2);
    expect(c.list('pods', { labelSelector: 'app=big' }).filter((p: any) => p.status.phase === 'Running')).toHaveLength(3);
    // The nodes left: the three with a big pod (75% requested) and one whose coredns pod cannot move (kube-system, no budget).
    const left = nodeNames(c).filter((n) => n !== 'control-plane');
    const withBig = new Set(c.list('pods', { labelSelector: 'app=big' }).map((p: any) => p.spec.nodeName));
    const withDns = new Set(c.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }).map((p: any) => p.spec.nodeName));
    expect(left.every((n) => withBig.has(n) || withDns.has(n))).toBe(true);
  });

  it('keeps a node whose pods a PodDisruptionBudget will not let go', () => {
    const c = createCluster({ nodes: 5, addons: { clusterAutoscaler: { minNodes: 1 } } });
    c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: small}
spec:
  replicas: 2
  selector: {matchLabels: {app: small}}
  template:
    metadata: {labels: {app: small}}
    spec:
      containers: [{name: c, image: nginx:1.25, resources: {requests: {cpu: 100m}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: small}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: small}}
`);
    c.advance(20 * 60_000);
    const keep = new Set([
      ...c.list('pods', { labelSelector: 'app=small' }).map((p: any) => p.spec.nodeName),
      ...c.list('pods', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }).map((p: any) => p.spec.nodeName),
    ]);
    expect(keep.size).toBe(4); // so the fifth worker was free to go, and went
    expect(nodeNames(c).filter((n) => n !== 'control-plane')).toEqual([...keep].sort());
    expect(c.list('pods', { labelSelector: 'app=small' }).map((p: any) => p.metadata.deletionTimestamp)).toEqual([undefined, undefined]);
  });

  it('restores from a snapshot to the same nodes and events (its actions follow from the command log)', () => {
    const c = createCluster({ addons: { clusterAutoscaler: true } });
    c.apply(big(6));
    c.advance(60_000);
    c.kubectl('scale deploy big --replicas=1');
    c.advance(12 * 60_000);
    const r = restoreCluster(c.snapshot());
    expect(nodeNames(r)).toEqual(nodeNames(c));
    expect(caEvents(r)).toEqual(caEvents(c));
    expect(r.kubectl('get pods -o wide').stdout).toBe(c.kubectl('get pods -o wide').stdout);
  });

  it('is off unless the add-on is asked for', () => {
    const c = createCluster({});
    c.apply(big(5));
    c.advance(60_000);
    expect(nodeNames(c)).toHaveLength(4);
    expect(c.list('pods', { labelSelector: 'app=big' }).filter((p: any) => p.status.phase === 'Pending')).toHaveLength(2);
  });
});
