import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

describe('scheduler in a whole cluster', () => {
  it('binds a pod and explains one that fits nowhere, in kube-scheduler words', () => {
    const c = createCluster();
    c.apply(`apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: web, image: nginx, resources: {requests: {cpu: 500m}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "5"}}}]
`);
    c.advance(200);
    const web = c.get('pod', 'web') as any;
    expect(web.spec.nodeName).toMatch(/^node-[123]$/);
    const scheduled = c.events().filter((e: any) => e.reason === 'Scheduled' && e.involvedObject.name === 'web');
    expect(scheduled.map((e: any) => [e.source.component, e.message])).toEqual([['default-scheduler', `Successfully assigned default/web to ${web.spec.nodeName}`]]);
    const failed = c.events().filter((e: any) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'huge');
    expect(failed.map((e: any) => e.message)).toEqual([
      '0/4 nodes are available: 1 node(s) had untolerated taint(s) {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. ' +
        'preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    ]);
    const rec = c.scheduling('pod/default/huge')!;
    expect(rec.attempts[0].result).toEqual({ message: failed[0].message });
    expect(rec.attempts[0].nodes.map((n) => n.node)).toEqual(['control-plane', 'node-1', 'node-2', 'node-3']);
    expect(c.scheduling('pod/default/web')!.attempts[0].result).toEqual({ node: web.spec.nodeName });
  });
});
