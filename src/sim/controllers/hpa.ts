/**
 * The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go), autoscaling/v2.
 *
 * Every 15 s (--horizontal-pod-autoscaler-sync-period) each HPA reads its target through the scale
 * subresource (Deployment, ReplicaSet, StatefulSet, ReplicationController), asks the Resource
 * Metrics API for the selected pods' use, computes a replica count per metric (hpa-replicas.ts) and
 * takes the largest, then normalizes it:
 * - without `spec.behavior`: the highest recommendation of the last 5 minutes (scale-down
 *   stabilization), and at most max(2 × current, 4) on a scale-up;
 * - with `spec.behavior`: the stabilization windows and the Pods/Percent policies per period.
 * It then writes the target's replicas (`SuccessfulRescale`) and the HPA's status: current and
 * desired replicas, currentMetrics, lastScaleTime, and the AbleToScale / ScalingActive /
 * ScalingLimited conditions with the reasons upstream gives.
 */
import type { EngineContext } from '../context';
import { splitKey, type KObject } from '../api/types';
import { fromLabelSelector, matches } from '../api/selectors';
import { resolveResource, resourceForKind } from '../api/resources';
import { resourceName } from '../api/api-server';
import { canonicalQuantity, milliValue } from '../api/quantity';
import { clone, deepEqual } from '../api/json';
import { Controller, type ReconcileResult } from './controller';
import { statusOnlyChange } from './controller-utils';
import { SYNC_TICK_MS } from './manager';
import { MetricsError, rawResourceReplicas, resourceMetrics, resourceReplicas, type ResourceMetricsSource, type ResourceName } from './hpa-replicas';

export const HPA_SYNC_PERIOD_MS = 15_000;
/** --horizontal-pod-autoscaler-downscale-stabilization */
export const DOWNSCALE_STABILIZATION_MS = 5 * 60_000;
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

type Condition = { type: string; status: 'True' | 'False'; lastTransitionTime: string; reason: string; message: string };
type Recommendation = { replicas: number; at: number };
type ScaleEvent = { change: number; at: number; outdated: boolean };
type ScalingRules = { stabilizationWindowSeconds?: number; selectPolicy?: string; policies?: { type: string; value: number; periodSeconds: number }[] };

/** The scale subresource of a target: what the HPA reads and writes. */
type Scale = { target: KObject; specReplicas: number; statusReplicas: number };

class StatusDraft {
  conditions: Condition[];
  constructor(
    readonly old: any,
    private readonly now: string,
  ) {
    this.conditions = clone(old?.conditions ?? []);
  }

  /** setCondition: a condition's lastTransitionTime moves only when its status changes. */
  set(type: string, status: 'True' | 'False', reason: string, message: string): void {
    let c = this.conditions.find((x) => x.type === type);
    if (!c) this.conditions.push((c = { type, status, lastTransitionTime: this.now, reason, message }));
    if (c.status !== status) c.lastTransitionTime = this.now;
    c.status = status;
    c.reason = reason;
    c.message = message;
  }
}

export class HorizontalController extends Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly scaleUpEvents = new Map<string, ScaleEvent[]>();
  private readonly scaleDownEvents = new Map<string, ScaleEvent[]>();

  start(): void {
    // Upstream's queue holds every add for one resync period: a new HPA is first looked at 15 s later.
    this.ctx.store.watch('HorizontalPodAutoscaler', (c) => {
      if (c.type === 'DELETED' || !statusOnlyChange(c)) this.queue.addAfter(`${c.object.metadata.namespace}/${c.object.metadata.name}`, HPA_SYNC_PERIOD_MS);
    });
  }

  private metrics(): ResourceMetricsSource | undefined {
    const m = this.ctx.services.get('metrics') as ResourceMetricsSource | undefined;
    return m && typeof m.available === 'function' && typeof m.podSample === 'function' ? m : undefined;
  }

  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const hpa = this.ctx.store.get('HorizontalPodAutoscaler', namespace, name);
    if (!hpa) {
      this.recommendations.delete(key);
      this.scaleUpEvents.delete(key);
      this.scaleDownEvents.delete(key);
      return;
    }
    this.reconcileAutoscaler(hpa, key);
    // The manager drains a re-added key on its next tick: ask one tick early to keep a steady 15 s period.
    return { requeueAfter: HPA_SYNC_PERIOD_MS - SYNC_TICK_MS };
  }

  private reconcileAutoscaler(hpa: KObject, key: string): void {
    const now = this.ctx.clock.now;
    const spec = hpa.spec ?? {};
    const st = new StatusDraft(hpa.status, this.ctx.clock.iso());
    const writeStatus = (currentReplicas: number, desiredReplicas: number, currentMetrics: unknown[] | undefined, rescaled: boolean) => {
      const status: Record<string, unknown> = {};
      if (st.conditions.length) status.conditions = st.conditions;
      if (currentMetrics?.length) status.currentMetrics = currentMetrics;
      status.currentReplicas = currentReplicas;
      status.desiredReplicas = desiredReplicas;
      const last = rescaled ? this.ctx.clock.iso() : hpa.status?.lastScaleTime;
      if (last) status.lastScaleTime = last;
      if (hpa.metadata.generation) status.observedGeneration = hpa.metadata.generation;
      if (deepEqual(status, hpa.status ?? {})) return;
      this.ctx.api.mutate('HorizontalPodAutoscaler', hpa.metadata.namespace, hpa.metadata.name, (d) => {
        d.status = status;
      });
    };

    const scale = this.getScale(hpa);
    if (typeof scale === 'string') {
      this.event(hpa, 'Warning', 'FailedGetScale', scale);
      st.set('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${scale}`);
      writeStatus(hpa.status?.currentReplicas ?? 0, hpa.status?.desiredReplicas ?? 0, hpa.status?.currentMetrics, false);
      return;
    }
    st.set('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const currentReplicas = scale.specReplicas;
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: currentReplicas, at: now }]);

    const minReplicas: number = spec.minReplicas ?? 1;
    const maxReplicas: number = spec.maxReplicas ?? 1;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: unknown[] | undefined;

    if (scale.specReplicas === 0 && minReplicas !== 0) {
      desiredReplicas = 0;
      rescale = false;
      st.set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = this.computeReplicasForMetrics(hpa, scale, st);
      if ('error' in computed) {
        writeStatus(currentReplicas, hpa.status?.desiredReplicas ?? 0, hpa.status?.currentMetrics, false);
        this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error);
        return;
      }
      metricStatuses = computed.statuses;
      desiredReplicas = computed.replicas;
      if (desiredReplicas > currentReplicas) rescaleReason = `${computed.metric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      desiredReplicas = spec.behavior
        ? this.normalizeWithBehaviors(hpa, key, st, currentReplicas, desiredReplicas, minReplicas)
        : this.normalize(key, st, currentReplicas, desiredReplicas, minReplicas, maxReplicas);
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        this.ctx.api.mutate(scale.target.kind, scale.target.metadata.namespace, scale.target.metadata.name, (d) => {
          d.spec = { ...(d.spec ?? {}), replicas: desiredReplicas };
        });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${msg}`);
        st.set('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`);
        writeStatus(currentReplicas, hpa.status?.desiredReplicas ?? 0, hpa.status?.currentMetrics, false);
        return;
      }
      st.set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      this.storeScaleEvent(spec.behavior, key, currentReplicas, desiredReplicas);
    } else {
      desiredReplicas = currentReplicas;
    }
    writeStatus(currentReplicas, desiredReplicas, metricStatuses, rescale);
  }

  /** The target's scale subresource, or the error the API gives. */
  private getScale(hpa: KObject): Scale | string {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const apiVersion = String(ref.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const def = resourceForKind(String(ref.kind ?? ''));
    if (!def || def.group !== group) return `no matches for kind "${ref.kind}" in group "${group}"`;
    const target = this.ctx.store.get(def.kind, hpa.metadata.namespace, String(ref.name ?? ''));
    if (!target) return `${resourceName(resolveResource(def.kind), def.kind)} "${ref.name}" not found`;
    if (!SCALABLE.has(def.kind)) return `${resourceName(def, def.kind)} "${ref.name}" does not have a scale subresource`;
    return { target, specReplicas: typeof target.spec?.replicas === 'number' ? target.spec.replicas : 1, statusReplicas: target.status?.replicas ?? 0 };
  }

  /** computeReplicasForMetrics: the largest proposal of the valid metrics, or the first error when none is valid. */
  private computeReplicasForMetrics(hpa: KObject, scale: Scale, st: StatusDraft): { replicas: number; metric: string; statuses: unknown[] } | { error: string } {
    const selectorSpec = scale.target.spec?.selector;
    if (!selectorSpec) {
      this.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      st.set('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return { error: 'selector is required' };
    }
    const selector = fromLabelSelector(selectorSpec);
    const ns = hpa.metadata.namespace!;
    const pods: KObject[] = [];
    for (const p of this.ctx.store.each('Pod', ns)) if (matches(selector, p.metadata.labels)) pods.push(p);
    pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));

    const specs: any[] = hpa.spec?.metrics ?? [];
    const statuses: unknown[] = [];
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: { reason: string; message: string; condition: string } | undefined;
    for (const m of specs) {
      const r = this.computeReplicasForMetric(hpa, m, scale, pods);
      if ('error' in r) {
        invalid++;
        firstError ??= r.error;
        continue;
      }
      statuses.push(r.status);
      if (replicas === 0 || r.replicas > replicas) {
        replicas = r.replicas;
        metric = r.metric;
      }
    }
    if (invalid >= specs.length) {
      if (firstError) st.set('ScalingActive', 'False', firstError.reason, firstError.condition);
      return { error: `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError?.message ?? 'no metrics'}` };
    }
    st.set('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses };
  }

  private computeReplicasForMetric(
    hpa: KObject,
    m: any,
    scale: Scale,
    pods: KObject[],
  ): { replicas: number; metric: string; status: unknown } | { error: { reason: string; message: string; condition: string } } {
    const fail = (reason: string, inner: string, outer: string) => {
      // The event and the condition carry the metric's own error; the returned error wraps it once more.
      this.event(hpa, 'Warning', reason, inner);
      return { error: { reason, message: outer, condition: `the HPA was unable to compute the replica count: ${inner}` } };
    };
    const type = m?.type;
    if (type === 'Pods' || type === 'Object') {
      const metricName = (type === 'Pods' ? m.pods : m.object)?.metric?.name ?? '';
      const msg = `unable to get metric ${metricName}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
      return fail(type === 'Pods' ? 'FailedGetPodsMetric' : 'FailedGetObjectMetric', msg, `failed to get ${type.toLowerCase()} metric value: ${msg}`);
    }
    if (type === 'External') {
      const metricName = m.external?.metric?.name ?? '';
      const msg = `unable to get external metric ${hpa.metadata.namespace}/${metricName}/nil: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`;
      return fail('FailedGetExternalMetric', msg, msg);
    }
    if (type !== 'Resource' && type !== 'ContainerResource') {
      const msg = `unknown metric source type "${type ?? ''}"`;
      return fail('InvalidMetricSourceType', msg, msg);
    }
    const src = type === 'Resource' ? m.resource : m.containerResource;
    const resource = String(src?.name ?? '') as ResourceName;
    const container: string | undefined = type === 'ContainerResource' ? src?.container : undefined;
    const reason = type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
    const wrap = (inner: string) => (type === 'Resource' ? `failed to get ${resource} resource metric value: ${inner}` : `failed to get ${resource} container metric value: ${inner}`);
    const target = src?.target ?? {};
    const now = this.ctx.clock.now;
    const parseIso = (ts: string) => this.ctx.clock.parseIso(ts);
    try {
      if (resource !== 'cpu' && resource !== 'memory') throw new MetricsError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
      if (target.averageValue !== undefined) {
        const metrics = resourceMetrics(this.metrics(), pods, resource, container);
        const p = rawResourceReplicas(scale.specReplicas, milliValue(target.averageValue), resource, pods, metrics, now, parseIso);
        const current = { averageValue: milliQuantity(p.rawAverage) };
        return {
          replicas: p.replicas,
          metric: `${resource} resource`,
          status: type === 'Resource' ? { type, resource: { name: resource, current } } : { type, containerResource: { name: resource, container, current } },
        };
      }
      if (typeof target.averageUtilization !== 'number') {
        const msg = 'invalid resource metric source: neither a utilization target nor a value target was set';
        return fail(reason, msg, wrap(msg));
      }
      const metrics = resourceMetrics(this.metrics(), pods, resource, container);
      const p = resourceReplicas(scale.specReplicas, target.averageUtilization, resource, pods, metrics, now, parseIso, container);
      const current = { averageUtilization: p.utilization, averageValue: milliQuantity(p.rawAverage) };
      return {
        replicas: p.replicas,
        metric: type === 'Resource' ? `${resource} resource utilization (percentage of request)` : `${resource} container resource utilization (percentage of request)`,
        status: type === 'Resource' ? { type, resource: { name: resource, current } } : { type, containerResource: { name: resource, container, current } },
      };
    } catch (e) {
      if (!(e instanceof MetricsError)) throw e;
      const inner = type === 'Resource' ? `failed to get ${resource} utilization: ${e.message}` : `failed to get ${resource} container utilization: ${e.message}`;
      return fail(reason, inner, wrap(inner));
    }
  }

  // ---- normalization without behavior ----

  private normalize(key: string, st: StatusDraft, current: number, prenormalized: number, minReplicas: number, maxReplicas: number): number {
    const stabilized = this.stabilize(key, prenormalized);
    if (stabilized !== prenormalized) {
      st.set('AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation');
    } else st.set('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    // Never more than double (or 4) at once: a bogus usage spike should not explode the target.
    const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
    let max = maxReplicas;
    let reason = 'TooManyReplicas';
    let message = 'the desired replica count is more than the maximum replica count';
    if (maxReplicas > scaleUpLimit) {
      max = scaleUpLimit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    }
    let desired = stabilized;
    if (stabilized < minReplicas) {
      desired = minReplicas;
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    } else if (stabilized > max) desired = max;
    else {
      reason = 'DesiredWithinRange';
      message = 'the desired count is within the acceptable range';
    }
    st.set('ScalingLimited', desired === stabilized ? 'False' : 'True', reason, message);
    return desired;
  }

  /** The highest recommendation of the stabilization window; the oldest stale one is replaced by this one. */
  private stabilize(key: string, recommendation: number): number {
    const now = this.ctx.clock.now;
    const list = this.recommendations.get(key) ?? [];
    let max = recommendation;
    let old = -1;
    list.forEach((r, i) => {
      if (r.at < now - DOWNSCALE_STABILIZATION_MS) old = i;
      else if (r.replicas > max) max = r.replicas;
    });
    if (old >= 0) list[old] = { replicas: recommendation, at: now };
    else list.push({ replicas: recommendation, at: now });
    this.recommendations.set(key, list);
    return max;
  }

  // ---- normalization with behavior ----

  private rules(hpa: KObject): { up: Required<ScalingRules>; down: Required<ScalingRules> } {
    const b = hpa.spec?.behavior ?? {};
    const up: ScalingRules = b.scaleUp ?? {};
    const down: ScalingRules = b.scaleDown ?? {};
    return {
      up: {
        stabilizationWindowSeconds: up.stabilizationWindowSeconds ?? 0,
        selectPolicy: up.selectPolicy ?? 'Max',
        policies: up.policies?.length ? up.policies : [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
      },
      down: {
        stabilizationWindowSeconds: down.stabilizationWindowSeconds ?? DOWNSCALE_STABILIZATION_MS / 1000,
        selectPolicy: down.selectPolicy ?? 'Max',
        policies: down.policies?.length ? down.policies : [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    };
  }

  private normalizeWithBehaviors(hpa: KObject, key: string, st: StatusDraft, current: number, prenormalized: number, minReplicas: number): number {
    const { up, down } = this.rules(hpa);
    const maxReplicas: number = hpa.spec?.maxReplicas ?? 1;
    const now = this.ctx.clock.now;
    // Stabilization: on the way up the lowest recommendation of the up-window, on the way down the highest of the down-window (kube-controller-manager does the same).
    const scalingUp = prenormalized >= current;
    const windowMs = (scalingUp ? up.stabilizationWindowSeconds : down.stabilizationWindowSeconds) * 1000;
    const obsoleteMs = Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000;
    const list = this.recommendations.get(key) ?? [];
    let stabilized = prenormalized;
    let old = -1;
    list.forEach((r, i) => {
      if (r.at > now - windowMs) stabilized = scalingUp ? Math.min(stabilized, r.replicas) : Math.max(stabilized, r.replicas);
      if (r.at < now - obsoleteMs) old = i;
    });
    if (old >= 0) list[old] = { replicas: prenormalized, at: now };
    else list.push({ replicas: prenormalized, at: now });
    this.recommendations.set(key, list);
    if (stabilized !== prenormalized) {
      if (scalingUp) st.set('AbleToScale', 'True', 'ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation');
      else st.set('AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation');
    } else st.set('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');

    // Rate: how far the policies let the count move from where it was at the start of each period.
    let desired = stabilized;
    let reason = 'DesiredWithinRange';
    let message = 'the desired count is within the acceptable range';
    if (stabilized > current) {
      let limit = scaleUpLimit(current, this.scaleUpEvents.get(key) ?? [], up, now);
      if (limit < current) limit = current;
      let max = maxReplicas;
      if (max > limit) {
        max = limit;
        reason = 'ScaleUpLimit';
        message = 'the desired replica count is increasing faster than the maximum scale rate';
      } else {
        reason = 'TooManyReplicas';
        message = 'the desired replica count is more than the maximum replica count';
      }
      if (stabilized > max) desired = max;
      else [reason, message] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
    } else if (stabilized < current) {
      let limit = scaleDownLimit(current, this.scaleDownEvents.get(key) ?? [], down, now);
      if (limit > current) limit = current;
      let min = minReplicas;
      if (min < limit) {
        min = limit;
        reason = 'ScaleDownLimit';
        message = 'the desired replica count is decreasing faster than the maximum scale rate';
      } else {
        reason = 'TooFewReplicas';
        message = 'the desired replica count is less than the minimum replica count';
      }
      if (stabilized < min) desired = min;
      else [reason, message] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
    }
    st.set('ScalingLimited', desired === stabilized ? 'False' : 'True', reason, message);
    return desired;
  }

  /** Remember a rescale for the rate policies (only with behavior); an outdated slot is reused. */
  private storeScaleEvent(behavior: unknown, key: string, prev: number, next: number): void {
    if (!behavior) return;
    const hpaRules = this.rules({ spec: { behavior } } as unknown as KObject);
    const up = next > prev;
    const events = (up ? this.scaleUpEvents : this.scaleDownEvents).get(key) ?? [];
    const longest = Math.max(0, ...(up ? hpaRules.up : hpaRules.down).policies.map((p) => p.periodSeconds)) * 1000;
    const now = this.ctx.clock.now;
    for (const e of events) if (e.at < now - longest) e.outdated = true;
    const event = { change: Math.abs(next - prev), at: now, outdated: false };
    const i = events.findIndex((e) => e.outdated);
    if (i >= 0) events[i] = event;
    else events.push(event);
    (up ? this.scaleUpEvents : this.scaleDownEvents).set(key, events);
  }
}

function changeInPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
  let n = 0;
  for (const e of events) if (e.at > now - periodSeconds * 1000) n += e.change;
  return n;
}

function scaleUpLimit(current: number, events: ScaleEvent[], rules: Required<ScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Number.MAX_SAFE_INTEGER : 0;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(p.periodSeconds, events, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

function scaleDownLimit(current: number, events: ScaleEvent[], rules: Required<ScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? 0 : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies) {
    const start = current + changeInPeriod(p.periodSeconds, events, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** resource.NewMilliQuantity(v, DecimalSI) as the API writes it: `250m`, `1`, `104857600`, `5M`. */
function milliQuantity(milli: number): string {
  return canonicalQuantity(`${Math.round(milli)}m`) ?? `${Math.round(milli)}m`;
}

export const hpaController = (ctx: EngineContext, onReady: () => void) => new HorizontalController(ctx, onReady);
