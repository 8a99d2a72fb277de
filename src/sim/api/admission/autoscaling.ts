/**
 * HorizontalPodAutoscaler: stored at autoscaling/v2 (an autoscaling/v1 object is converted, its
 * targetCPUUtilizationPercentage becoming a cpu Utilization metric), defaults as
 * pkg/apis/autoscaling/v2/defaults.go, validation as pkg/apis/autoscaling/validation.
 */
import type { KObject } from '../types';
import { isPlainObject } from '../json';
import type { AdmissionPlugin } from './registry';
import { invalid, notSupported, required, type FieldError } from './field-errors';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

export const DEFAULT_CPU_UTILIZATION = 80;
const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];

const cpuMetric = (percent: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } });

/** autoscaling/v1 → v2, as the API server converts to the storage version. */
function convertFromV1(hpa: KObject): void {
  if (hpa.apiVersion !== 'autoscaling/v1') return;
  hpa.apiVersion = 'autoscaling/v2';
  const s = obj(hpa.spec) ? hpa.spec : (hpa.spec = {});
  if (typeof s.targetCPUUtilizationPercentage === 'number') s.metrics = [cpuMetric(s.targetCPUUtilizationPercentage)];
  delete s.targetCPUUtilizationPercentage;
  if (obj(hpa.status)) {
    const { currentCPUUtilizationPercentage: cpu, ...rest } = hpa.status;
    hpa.status = { ...rest, ...(typeof cpu === 'number' ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } }] } : {}) };
  }
}

function defaultBehavior(b: Record<string, any>): void {
  // Scale up fast (double, or +4 pods, each 15 s); scale down after a 5-minute stabilization window (the upstream defaults)
  if (!obj(b.scaleUp)) b.scaleUp = {};
  b.scaleUp.stabilizationWindowSeconds ??= 0;
  b.scaleUp.selectPolicy ||= 'Max';
  if (!list(b.scaleUp.policies).length) {
    b.scaleUp.policies = [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ];
  }
  if (!obj(b.scaleDown)) b.scaleDown = {};
  b.scaleDown.selectPolicy ||= 'Max';
  if (!list(b.scaleDown.policies).length) b.scaleDown.policies = [{ type: 'Percent', value: 100, periodSeconds: 15 }];
}

function defaultHPA(hpa: KObject): void {
  convertFromV1(hpa);
  const s = obj(hpa.spec) ? hpa.spec : (hpa.spec = {});
  if (s.minReplicas === undefined) s.minReplicas = 1;
  if (!list(s.metrics).length) s.metrics = [cpuMetric(DEFAULT_CPU_UTILIZATION)];
  if (obj(s.behavior)) defaultBehavior(s.behavior);
}

function validateHPA(hpa: KObject): FieldError[] {
  const s = obj(hpa.spec) ? hpa.spec : {};
  const errs: FieldError[] = [];
  const ref = s.scaleTargetRef;
  if (!obj(ref)) errs.push(required(['spec', 'scaleTargetRef']));
  else {
    if (!ref.kind) errs.push(required(['spec', 'scaleTargetRef', 'kind']));
    if (!ref.name) errs.push(required(['spec', 'scaleTargetRef', 'name']));
  }
  if (typeof s.minReplicas === 'number' && s.minReplicas < 1) errs.push(invalid(['spec', 'minReplicas'], s.minReplicas, 'must be greater than or equal to 1'));
  if (typeof s.maxReplicas !== 'number') errs.push(required(['spec', 'maxReplicas']));
  else if (s.maxReplicas < 1) errs.push(invalid(['spec', 'maxReplicas'], s.maxReplicas, 'must be greater than 0'));
  else if (typeof s.minReplicas === 'number' && s.maxReplicas < s.minReplicas) {
    errs.push(invalid(['spec', 'maxReplicas'], s.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  list(s.metrics).forEach((m, i) => {
    const p = ['spec', 'metrics', i];
    if (!obj(m)) return;
    if (!METRIC_TYPES.includes(m.type)) {
      errs.push(m.type ? notSupported([...p, 'type'], m.type, METRIC_TYPES) : required([...p, 'type']));
      return;
    }
    const field = m.type.charAt(0).toLowerCase() + m.type.slice(1);
    const source = m[field];
    if (!obj(source)) {
      errs.push(required([...p, field], `must populate information for the given metric source`));
      return;
    }
    const t = source.target;
    if (!obj(t)) {
      errs.push(required([...p, field, 'target'], 'must specify a metric target'));
      return;
    }
    const tp = [...p, field, 'target'];
    if (!TARGET_TYPES.includes(t.type)) errs.push(t.type ? notSupported([...tp, 'type'], t.type, TARGET_TYPES) : required([...tp, 'type'], 'must specify a metric target type'));
    if (t.type === 'Utilization' && t.averageUtilization === undefined) errs.push(required([...tp, 'averageUtilization'], 'must set either a target raw value or a target utilization'));
    if (typeof t.averageUtilization === 'number' && t.averageUtilization < 1) errs.push(invalid([...tp, 'averageUtilization'], t.averageUtilization, 'must be greater than 0'));
    if ((m.type === 'Resource' || m.type === 'ContainerResource') && !source.name) errs.push(required([...p, field, 'name'], 'must specify a resource name'));
  });
  return errs;
}

export const autoscalingPlugins: AdmissionPlugin[] = [
  { name: 'HorizontalPodAutoscaler', kinds: ['HorizontalPodAutoscaler'], default: (h) => defaultHPA(h), validate: (h) => validateHPA(h) },
];
