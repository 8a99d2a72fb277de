import { describe, expect, it } from 'vitest';
import { createTestEngine, deployment, PodDriver, type TestEngine } from './testing';
import { hpaController } from './hpa';
import { deploymentController } from './deployment';
import { replicaSetController } from './replicaset';
import { resourceReplicas, type PodMetric } from './hpa-replicas';
import type { KObject, NewObject } from '../api/types';

/** A Resource Metrics API double: every Running pod of the namespace uses `cpuMillis` (per pod, settable). */
class FakeMetrics {
  up = true;
  cpu = new Map<string, number>();
  defaultCpu = 0;
  constructor(private readonly t: TestEngine) {}
  available() {
    return this.up;
  }
  podSample(ns: string, name: string) {
    const pod = this.t.get('Pod', name, ns);
    if (!pod || pod.status?.phase !== 'Running') return undefined;
    return { at: this.t.ctx.clock.now, windowMs: 15_000, containers: [{ name: 'web', cpuMillis: this.cpu.get(name) ?? this.defaultCpu, memoryBytes: 50 * 1024 * 1024 }] };
  }
}

function setup(hpaSpec: Record<string, unknown> = {}, replicas = 2) {
  const t = createTestEngine({ controllers: [deploymentController, replicaSetController, hpaController] });
  new PodDriver(t.ctx, { readyDelayMs: 1000 });
  // The kubelet records when a pod started; the test driver does not, so stand in for it.
  t.ctx.store.watch('Pod', (c) => {
    if (c.type === 'DELETED' || c.object.status?.phase !== 'Running' || c.object.status?.startTime) return;
    const { namespace, name } = c.object.metadata;
    const at = t.ctx.clock.iso();
    t.ctx.clock.after(0, () => t.ctx.api.mutate('Pod', namespace, name, (p) => void (p.status = { ...p.status, startTime: at })));
  });
  const metrics = new FakeMetrics(t);
  t.ctx.services.set('metrics', metrics);
  const d = deployment('web', { replicas }) as any;
  d.spec.template.spec.containers[0].resources = { requests: { cpu: '200m' } };
  t.create(d);
  t.advance(5_000);
  // Pods started long ago as far as the CPU initialization period is concerned.
  t.advance(5 * 60_000);
  t.create({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      ...hpaSpec,
    },
  } as NewObject);
  const hpa = () => t.get('HorizontalPodAutoscaler', 'web') as KObject;
  const replicasOf = () => t.get('Deployment', 'web')!.spec.replicas as number;
  const cond = (type: string) => (hpa().status?.conditions ?? []).find((c: { type: string }) => c.type === type);
  return { t, metrics, hpa, replicasOf, cond };
}

describe('HorizontalPodAutoscaler controller', () => {
  it('does nothing for one sync period, then scales up by the ratio, capped at max(2×current, 4)', () => {
    const { t, metrics, hpa, replicasOf, cond } = setup();
    metrics.defaultCpu = 400; // 200% of the 200m request on 2 pods: ceil(2 × 200/50) = 8, capped at 4
    t.advance(14_000);
    expect(hpa().status).toBeUndefined();
    t.advance(1_100);
    expect(replicasOf()).toBe(4);
    expect(hpa().status).toMatchObject({
      currentReplicas: 2,
      desiredReplicas: 4,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '400m' } } }],
    });
    expect(hpa().status.lastScaleTime).toBe(t.ctx.clock.iso());
    expect(cond('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4' });
    expect(cond('ScalingActive')).toMatchObject({
      status: 'True',
      reason: 'ValidMetricFound',
      message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    });
    expect(cond('ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
    expect(t.eventsFor('HorizontalPodAutoscaler', 'web')).toEqual(['SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target']);
    // Next period: 4 pods at 200% → 16, capped at 8; then 10 by maxReplicas.
    t.advance(15_000);
    expect(replicasOf()).toBe(8);
    t.advance(15_000);
    expect(replicasOf()).toBe(10);
    expect(cond('ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
  });

  it('stays put within the 10% tolerance', () => {
    const { t, metrics, hpa, replicasOf, cond } = setup();
    metrics.defaultCpu = 108; // 54% of request: ratio 1.08
    t.advance(16_000);
    expect(replicasOf()).toBe(2);
    expect(hpa().status.currentMetrics[0].resource.current.averageUtilization).toBe(54);
    expect(cond('AbleToScale')).toMatchObject({ reason: 'ReadyForNewScale' });
    expect(cond('ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });

  it('scales down only after the 5-minute stabilization window', () => {
    const { t, metrics, replicasOf, cond } = setup({}, 4);
    metrics.defaultCpu = 100; // exactly on target
    t.advance(16_000);
    expect(replicasOf()).toBe(4);
    const quietFrom = t.ctx.clock.now;
    metrics.defaultCpu = 10; // 5%: 1 replica is enough
    t.advance(60_000);
    expect(replicasOf()).toBe(4);
    expect(cond('AbleToScale')).toMatchObject({ reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
    // The 4-replica recommendation made just before the load dropped expires 300 s after it was made.
    t.advance(300_000 - (t.ctx.clock.now - quietFrom) - 1_000);
    expect(replicasOf()).toBe(4);
    t.advance(16_000);
    expect(replicasOf()).toBe(1);
    expect(t.eventsFor('HorizontalPodAutoscaler', 'web').at(-1)).toBe('SuccessfulRescale: New size: 1; reason: All metrics below target');
  });

  it('behavior: a Pods policy limits each period, and a zero scale-down window scales down at once', () => {
    const { t, metrics, replicasOf, cond } = setup({
      behavior: {
        scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }], selectPolicy: 'Max', stabilizationWindowSeconds: 0 },
        scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Max' },
      },
    });
    metrics.defaultCpu = 400;
    t.advance(16_000);
    expect(replicasOf()).toBe(3);
    expect(cond('ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    t.advance(15_000);
    expect(replicasOf()).toBe(3); // one pod per 60 s
    t.advance(45_000);
    expect(replicasOf()).toBe(4);
    metrics.defaultCpu = 10;
    t.advance(15_000);
    expect(replicasOf()).toBe(1);
  });

  it('without a metrics API: ScalingActive False FailedGetResourceMetric, and the events upstream gives', () => {
    const { t, metrics, hpa, replicasOf, cond } = setup();
    metrics.up = false;
    t.advance(16_000);
    expect(replicasOf()).toBe(2);
    expect(cond('AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededGetScale' });
    expect(cond('ScalingActive')).toMatchObject({
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    expect(hpa().status.currentMetrics).toBeUndefined();
    expect(t.eventsFor('HorizontalPodAutoscaler', 'web')).toEqual([
      'FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      'FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    ]);
  });

  it('a missing target is FailedGetScale; a container without a request cannot be measured', () => {
    const { t, metrics, cond } = setup({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nope' } });
    metrics.defaultCpu = 100;
    t.advance(16_000);
    expect(cond('AbleToScale')).toMatchObject({
      status: 'False',
      reason: 'FailedGetScale',
      message: 'the HPA controller was unable to get the target\'s current scale: deployments.apps "nope" not found',
    });

    const s = setup();
    s.metrics.defaultCpu = 100;
    s.t.ctx.api.mutate('Deployment', 'default', 'web', (d) => {
      d.spec.template.spec.containers[0].resources = {};
    });
    s.t.advance(20_000);
    expect(s.cond('ScalingActive')?.reason).toBe('FailedGetResourceMetric');
    expect(s.cond('ScalingActive')?.message).toMatch(/^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container web of Pod web-/);
  });

  it('scales a target below minReplicas up to it, and does nothing while the target is at zero', () => {
    const { t, replicasOf, cond, metrics } = setup({ minReplicas: 3 });
    metrics.defaultCpu = 100;
    t.advance(16_000);
    expect(replicasOf()).toBe(3);
    expect(t.eventsFor('HorizontalPodAutoscaler', 'web')).toEqual(['SuccessfulRescale: New size: 3; reason: Current number of replicas below Spec.MinReplicas']);
    t.ctx.api.mutate('Deployment', 'default', 'web', (d) => {
      d.spec.replicas = 0;
    });
    t.advance(15_000);
    expect(replicasOf()).toBe(0);
    expect(cond('ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
  });
});

describe('replica calculator', () => {
  const parse = (ts: string) => Date.parse(ts) - Date.parse('2025-01-01T09:00:00Z');
  const pod = (name: string, opts: { phase?: string; ready?: boolean; cpu?: string } = {}): KObject =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', uid: name, resourceVersion: '1', creationTimestamp: '2025-01-01T09:00:00Z' },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: opts.cpu ?? '100m' } } }] },
      status: {
        phase: opts.phase ?? 'Running',
        startTime: '2025-01-01T09:00:00Z',
        conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: '2025-01-01T09:00:10Z' }],
      },
    }) as KObject;
  const now = 10 * 60_000;
  const m = (entries: [string, number][]) => new Map<string, PodMetric>(entries.map(([n, v]) => [n, { value: v, timestamp: now, windowMs: 15_000 }]));

  it('ceil(ready × utilization / target)', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    expect(resourceReplicas(3, 50, 'cpu', pods, m([['a', 90], ['b', 80], ['c', 100]]), now, parse)).toEqual({ replicas: 6, utilization: 90, rawAverage: 90, timestamp: now });
  });

  it('missing pods count as 100% of request on a scale-down and 0% on a scale-up', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    // Scale-down: a and b at 10%, c and d missing → (10+10+100+100)/4 = 55% of a 50% target: within tolerance, keep 4.
    expect(resourceReplicas(4, 50, 'cpu', pods, m([['a', 10], ['b', 10]]), now, parse).replicas).toBe(4);
    // Scale-up: a and b at 60% (ratio 1.2), c missing counts as 0% → 40%: the direction would flip, so keep 3.
    const three = [pod('a'), pod('b'), pod('c')];
    expect(resourceReplicas(3, 50, 'cpu', three, m([['a', 60], ['b', 60]]), now, parse).replicas).toBe(3);
    // Without the missing pod the same usage asks for ceil(2 × 1.2) = 3 on two pods, and 4 on three measured pods.
    expect(resourceReplicas(3, 50, 'cpu', three, m([['a', 60], ['b', 60], ['c', 60]]), now, parse).replicas).toBe(4);
  });

  it('unready and pending pods are ignored on a scale-down and count as 0% on a scale-up', () => {
    const pods = [pod('a'), pod('b', { ready: false }), pod('p', { phase: 'Pending' })];
    // Unready pod within the initialization period is ignored; a at 200% → rebalance with b, p at 0: 200/3 = 66% → 4.
    const early = 60_000;
    const mm = new Map<string, PodMetric>([
      ['a', { value: 200, timestamp: early, windowMs: 15_000 }],
      ['b', { value: 200, timestamp: early, windowMs: 15_000 }],
    ]);
    expect(resourceReplicas(3, 50, 'cpu', pods, mm, early, parse).replicas).toBe(4);
  });
});
