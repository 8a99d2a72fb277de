/**
 * End to end through createCluster, with the real scheduler and kubelets: Jobs run to completion or
 * fail, CronJobs run Jobs, a namespace goes with everything in it, and a node that stops
 * heart-beating loses its pods to other nodes after the default 300 s toleration.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

const job = (name: string, extra: string, command: string, restartPolicy = 'Never') => `
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${extra}
  template:
    spec:
      restartPolicy: ${restartPolicy}
      containers:
      - name: work
        image: busybox:1.36
        command: [sh, -c, "${command}"]
`;

const condition = (o: any, type: string) => o.status?.conditions?.find((c: { type: string }) => c.type === type);

describe('workload controllers end to end', () => {
  it("a Job's pods run to completion", () => {
    const c = createCluster();
    expect(c.apply(job('ok', '  completions: 3\n  parallelism: 2', 'echo done'))[0].error).toBeUndefined();
    c.advance(60_000);
    const j = c.get('job', 'ok')!;
    expect(j.status).toMatchObject({ succeeded: 3, ready: 0, uncountedTerminatedPods: {} });
    expect(condition(j, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    const pods = c.list('pod', { labelSelector: 'job-name=ok' });
    expect(pods.map((p) => p.status.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(pods.every((p) => !p.metadata.finalizers)).toBe(true);
    const out = c.kubectl('get pods -l job-name=ok').stdout;
    expect(out.match(/Completed/g)).toHaveLength(3);
  });

  it('a failing Job retries with 10 s, then 20 s back-off and fails past backoffLimit', () => {
    const c = createCluster();
    c.apply(job('bad', '  backoffLimit: 2', 'exit 1'));
    c.advance(120_000);
    const j = c.get('job', 'bad')!;
    expect(j.status.failed).toBe(3);
    expect(condition(j, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    const created = c
      .list('pod', { labelSelector: 'job-name=bad' })
      .map((p) => c.ctx.clock.parseIso(p.metadata.creationTimestamp))
      .sort((a, b) => a - b);
    expect(created).toHaveLength(3);
    expect(created[1] - created[0]).toBeGreaterThanOrEqual(10_000);
    expect(created[2] - created[1]).toBeGreaterThanOrEqual(20_000);
    expect(c.events().some((e) => e.reason === 'BackoffLimitExceeded' && e.involvedObject.name === 'bad')).toBe(true);
  });

  it('restartPolicy OnFailure restarts in place; restarts count against backoffLimit', () => {
    const c = createCluster();
    c.apply(job('crash', '  backoffLimit: 1', 'exit 1', 'OnFailure'));
    c.advance(120_000);
    const j = c.get('job', 'crash')!;
    expect(condition(j, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    // One pod only, restarted by the kubelet rather than replaced.
    const created = c.events().filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === 'crash');
    expect(created).toHaveLength(1);
  });

  it('a CronJob runs a Job every minute and keeps the history', () => {
    const c = createCluster();
    c.apply(`
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: tick
            image: busybox:1.36
            command: [sh, -c, "date"]
`);
    c.advance(5 * 60_000);
    const cj = c.get('cj', 'tick')!;
    // Runs at 09:01 … 09:05; only the last 3 successful ones are kept.
    expect(c.list('job').map((j) => j.metadata.name)).toEqual(['tick-28928703', 'tick-28928704', 'tick-28928705']);
    expect(cj.status.lastScheduleTime).toBe('2025-01-01T09:05:00Z');
    expect(cj.status.lastSuccessfulTime).toMatch(/^2025-01-01T09:05:0\dZ$/);
    expect(c.events().filter((e) => e.reason === 'SawCompletedJob').length).toBeGreaterThanOrEqual(4);
  });

  it('deleting a namespace deletes what runs in it, then the namespace', () => {
    const c = createCluster();
    c.apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`);
    c.apply(job('batch', '  completions: 1', 'sleep 3600'), { namespace: 'shop' });
    c.advance(10_000);
    expect(c.list('pod', { namespace: 'shop' }).map((p) => p.status.phase)).toEqual(['Running']);
    expect(c.delete('ns/shop').action).toBe('deleted');
    expect(c.get('ns', 'shop')!.status.phase).toBe('Terminating');
    c.advance(60_000);
    expect(c.list('pod', { namespace: 'shop' })).toEqual([]);
    expect(c.list('job', { namespace: 'shop' })).toEqual([]);
    expect(c.get('ns', 'shop')).toBeUndefined();
  });

  it("a stopped node's pods are replaced elsewhere after tolerationSeconds", () => {
    const c = createCluster();
    c.apply(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`);
    c.advance(30_000);
    const onNode = (n: string) => c.list('pod', { labelSelector: 'app=web' }).filter((p) => p.spec.nodeName === n && !p.metadata.deletionTimestamp);
    const victim = ['node-1', 'node-2', 'node-3'].find((n) => onNode(n).length > 0)!;
    const doomed = onNode(victim).map((p) => p.metadata.name);
    const stoppedAt = c.now;
    c.setNodeRunning(victim, false);
    c.advance(45_000);
    const node = c.get('node', victim)!;
    expect(condition(node, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(node.spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(c.events().some((e) => e.reason === 'NodeNotReady' && e.involvedObject.name === victim)).toBe(true);
    // Still there: the pods tolerate unreachable for 300 s.
    expect(doomed.every((n) => !c.get('pod', n)!.metadata.deletionTimestamp)).toBe(true);
    c.advance(stoppedAt + 40_000 + 300_000 + 30_000 - c.now);
    for (const n of doomed) expect(c.get('pod', n)!.metadata.deletionTimestamp).toBeDefined();
    expect(c.events().filter((e) => e.reason === 'TaintManagerEviction' && e.metadata.namespace === 'default').map((e) => e.message)).toEqual(
      doomed.map((n) => `Marking for deletion Pod default/${n}`),
    );
    // DaemonSet pods tolerate unreachable without limit: they stay.
    const proxy = c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' }).find((p) => p.spec.nodeName === victim)!;
    expect(proxy.metadata.deletionTimestamp).toBeUndefined();
    const running = c.list('pod', { labelSelector: 'app=web' }).filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running');
    expect(running).toHaveLength(3);
    expect(running.every((p) => p.spec.nodeName !== victim)).toBe(true);
    // The node comes back: conditions and taints clear.
    c.setNodeRunning(victim, true);
    c.advance(15_000);
    expect(condition(c.get('node', victim)!, 'Ready').status).toBe('True');
    expect(c.get('node', victim)!.spec.taints).toBeUndefined();
  });

  it('cascading deletion of a Deployment: background, foreground and orphan', () => {
    const deploy = (name: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;
    const c = createCluster();
    for (const n of ['bg', 'fg', 'or']) c.apply(deploy(n));
    c.advance(30_000);
    const count = (kind: string, app: string) => c.list(kind, { labelSelector: `app=${app}` }).length;

    c.delete('deploy/bg');
    c.advance(60_000);
    expect([count('rs', 'bg'), count('pod', 'bg')]).toEqual([0, 0]);

    // Foreground: the Deployment waits, with its finalizer, until the ReplicaSet and pods are gone.
    c.delete('deploy/fg', { cascade: 'foreground' });
    c.advance(200);
    const fg = c.get('deploy', 'fg')!;
    expect(fg.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(fg.metadata.deletionTimestamp).toBeDefined();
    c.advance(60_000);
    expect(c.get('deploy', 'fg')).toBeUndefined();
    expect([count('rs', 'fg'), count('pod', 'fg')]).toEqual([0, 0]);

    // Orphan: the ReplicaSet stays, without its owner reference, and keeps its pods running.
    c.delete('deploy/or', { cascade: 'orphan' });
    c.advance(60_000);
    expect(c.get('deploy', 'or')).toBeUndefined();
    const rs = c.list('rs', { labelSelector: 'app=or' });
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences).toBeUndefined();
    expect(c.list('pod', { labelSelector: 'app=or' }).filter((p) => p.status.phase === 'Running')).toHaveLength(2);
  });

  it("a running Job's status counts active and ready pods", () => {
    const c = createCluster();
    c.apply(job('long', '  completions: 4\n  parallelism: 2', 'sleep 3600'));
    c.advance(20_000);
    expect(c.get('job', 'long')!.status).toMatchObject({ active: 2, ready: 2, startTime: '2025-01-01T09:00:30Z' });
  });
});
