/**
 * Workloads: Deployment, ReplicaSet, ReplicationController, DaemonSet, StatefulSet, Job, CronJob.
 * Defaults as pkg/apis/{apps,batch,core}/v1/defaults.go set them, the Job's generated selector
 * (batch registry PrepareForCreate), and validation (pkg/apis/{apps,batch}/validation) with the
 * API server's messages.
 */
import type { KObject } from '../types';
import { deepEqual, isPlainObject } from '../json';
import { labelSelectorMatches, selectorFromMap, matches } from '../selectors';
import type { FieldPath } from '../yaml';
import type { AdmissionPlugin } from './registry';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { defaultPodTemplate } from './defaults-pod';
import { validatePodSpec } from './pod';
import { cronScheduleErrors } from './cron';
import { timeZoneError } from '../time-zone';
import {
  goIntOrString,
  goLabelSelector,
  intOrPercentValue,
  nonNegative,
  validateLabelSelector,
  validateLabels,
  validatePositiveIntOrPercent,
} from './validation';
import { GoValue } from './field-errors';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const spec = (o: KObject): Record<string, any> => (obj(o.spec) ? o.spec : (o.spec = {}));

// ---- defaults ----

function defaultDeployment(d: KObject): void {
  const s = spec(d);
  if (s.replicas === undefined) s.replicas = 1;
  if (!obj(s.strategy)) s.strategy = {};
  s.strategy.type ||= 'RollingUpdate';
  if (s.strategy.type === 'RollingUpdate') {
    if (!obj(s.strategy.rollingUpdate)) s.strategy.rollingUpdate = {};
    if (s.strategy.rollingUpdate.maxUnavailable === undefined) s.strategy.rollingUpdate.maxUnavailable = '25%';
    if (s.strategy.rollingUpdate.maxSurge === undefined) s.strategy.rollingUpdate.maxSurge = '25%';
  }
  if (s.revisionHistoryLimit === undefined) s.revisionHistoryLimit = 10;
  if (s.progressDeadlineSeconds === undefined) s.progressDeadlineSeconds = 600;
  defaultPodTemplate(s.template);
}

function defaultReplicaSet(rs: KObject): void {
  const s = spec(rs);
  if (s.replicas === undefined) s.replicas = 1;
  defaultPodTemplate(s.template);
}

function defaultReplicationController(rc: KObject): void {
  const s = spec(rc);
  if (s.replicas === undefined) s.replicas = 1;
  // An RC without a selector selects its template's labels; without labels it takes the template's.
  const labels = obj(s.template) && obj(s.template.metadata) ? s.template.metadata.labels : undefined;
  if (obj(labels)) {
    if (!obj(s.selector) || !Object.keys(s.selector).length) s.selector = { ...labels };
    if (!obj(rc.metadata.labels) || !Object.keys(rc.metadata.labels).length) rc.metadata.labels = { ...labels };
  }
  defaultPodTemplate(s.template);
}

function defaultDaemonSet(ds: KObject): void {
  const s = spec(ds);
  if (!obj(s.updateStrategy)) s.updateStrategy = {};
  s.updateStrategy.type ||= 'RollingUpdate';
  if (s.updateStrategy.type === 'RollingUpdate') {
    if (!obj(s.updateStrategy.rollingUpdate)) s.updateStrategy.rollingUpdate = {};
    if (s.updateStrategy.rollingUpdate.maxUnavailable === undefined) s.updateStrategy.rollingUpdate.maxUnavailable = 1;
    if (s.updateStrategy.rollingUpdate.maxSurge === undefined) s.updateStrategy.rollingUpdate.maxSurge = 0;
  }
  if (s.revisionHistoryLimit === undefined) s.revisionHistoryLimit = 10;
  defaultPodTemplate(s.template);
}

function defaultStatefulSet(sts: KObject): void {
  const s = spec(sts);
  if (s.replicas === undefined) s.replicas = 1;
  s.podManagementPolicy ||= 'OrderedReady';
  if (!obj(s.updateStrategy)) s.updateStrategy = {};
  s.updateStrategy.type ||= 'RollingUpdate';
  if (s.updateStrategy.type === 'RollingUpdate') {
    if (!obj(s.updateStrategy.rollingUpdate)) s.updateStrategy.rollingUpdate = {};
    if (s.updateStrategy.rollingUpdate.partition === undefined) s.updateStrategy.rollingUpdate.partition = 0;
  }
  if (s.revisionHistoryLimit === undefined) s.revisionHistoryLimit = 10;
  if (!obj(s.persistentVolumeClaimRetentionPolicy)) s.persistentVolumeClaimRetentionPolicy = {};
  s.persistentVolumeClaimRetentionPolicy.whenDeleted ||= 'Retain';
  s.persistentVolumeClaimRetentionPolicy.whenScaled ||= 'Retain';
  if (Array.isArray(s.volumeClaimTemplates)) {
    for (const t of s.volumeClaimTemplates) {
      if (!obj(t)) continue;
      if (obj(t.spec)) t.spec.volumeMode ||= 'Filesystem';
      if (!obj(t.status)) t.status = { phase: 'Pending' };
    }
  }
  defaultPodTemplate(s.template);
}

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

function defaultJobSpec(s: Record<string, any>): void {
  // Neither set: one pod, run once. Only completions set: one at a time.
  if (s.completions === undefined && s.parallelism === undefined) {
    s.completions = 1;
    s.parallelism = 1;
  }
  if (s.parallelism === undefined) s.parallelism = 1;
  if (s.backoffLimit === undefined) s.backoffLimit = s.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  s.completionMode ||= 'NonIndexed';
  if (s.suspend === undefined) s.suspend = false;
  s.podReplacementPolicy ||= s.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(s.template);
}

function defaultJob(job: KObject, old: KObject | undefined): void {
  const s = spec(job);
  defaultJobSpec(s);
  const templateLabels = obj(s.template) && obj(s.template.metadata) ? s.template.metadata.labels : undefined;
  if (obj(templateLabels) && !Object.keys(job.metadata.labels ?? {}).length) job.metadata.labels = { ...templateLabels };
  if (old) return;
  // The selector is generated from the Job's uid unless the user asked to choose it (manualSelector).
  if (s.manualSelector === true) return;
  if (!obj(s.template)) s.template = {};
  if (!obj(s.template.metadata)) s.template.metadata = {};
  const labels = obj(s.template.metadata.labels) ? s.template.metadata.labels : (s.template.metadata.labels = {});
  const uid = job.metadata.uid;
  for (const k of [CONTROLLER_UID_LABEL, 'controller-uid']) if (labels[k] === undefined) labels[k] = uid;
  for (const k of [JOB_NAME_LABEL, 'job-name']) if (labels[k] === undefined) labels[k] = job.metadata.name;
  if (!obj(s.selector)) s.selector = {};
  if (!obj(s.selector.matchLabels)) s.selector.matchLabels = {};
  if (s.selector.matchLabels[CONTROLLER_UID_LABEL] === undefined) s.selector.matchLabels[CONTROLLER_UID_LABEL] = uid;
}

function defaultCronJob(cj: KObject): void {
  const s = spec(cj);
  s.concurrencyPolicy ||= 'Allow';
  if (s.suspend === undefined) s.suspend = false;
  if (s.successfulJobsHistoryLimit === undefined) s.successfulJobsHistoryLimit = 3;
  if (s.failedJobsHistoryLimit === undefined) s.failedJobsHistoryLimit = 1;
  if (obj(s.jobTemplate) && obj(s.jobTemplate.spec)) defaultPodTemplate(s.jobTemplate.spec.template);
}

// ---- validation ----

const isEmptySelector = (sel: any) => !obj(sel) || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);

/** Selector present, valid, not empty, and matching the template's labels (ValidateDeploymentSpec et al.). */
function validateSelectorAndTemplate(s: Record<string, any>, path: FieldPath, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = s.selector;
  const tPath = [...path, 'template'];
  if (!obj(sel)) errs.push(required([...path, 'selector']));
  else {
    errs.push(...validateLabelSelector(sel, [...path, 'selector']));
    if (isEmptySelector(sel)) errs.push(invalid([...path, 'selector'], goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  }
  if (!obj(s.template)) {
    errs.push(required(tPath));
    return errs;
  }
  const labels = obj(s.template.metadata) ? s.template.metadata.labels : undefined;
  errs.push(...validateLabels(labels, [...tPath, 'metadata', 'labels']));
  // A missing selector selects nothing, so the template cannot match it either (both errors show).
  if (!obj(sel) || (!isEmptySelector(sel) && !labelSelectorMatches(sel, labels ?? {}))) {
    errs.push(invalid([...tPath, 'metadata', 'labels'], labels ?? {}, '`selector` does not match template `labels`'));
  }
  return errs;
}

function validateTemplateSpec(s: Record<string, any>, path: FieldPath, restartPolicies: string[], kindWord?: string): FieldError[] {
  if (!obj(s.template)) return [];
  const errs = validatePodSpec(s.template.spec, [...path, 'template', 'spec'], { restartPolicies });
  // Long-running workloads' pods cannot have a deadline: they would be killed and recreated forever.
  if (kindWord && obj(s.template.spec) && s.template.spec.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden([...path, 'template', 'spec', 'activeDeadlineSeconds'], `activeDeadlineSeconds in ${kindWord} is not Supported`));
  }
  return errs;
}

function validateReplicas(s: Record<string, any>, path: FieldPath): FieldError[] {
  return [...nonNegative([...path, 'replicas'], s.replicas), ...nonNegative([...path, 'minReadySeconds'], s.minReadySeconds), ...nonNegative([...path, 'revisionHistoryLimit'], s.revisionHistoryLimit)];
}

/** maxSurge/maxUnavailable: each valid, a percent ≤ 100% for unavailable, not both zero. */
function validateRollingUpdate(ru: any, path: FieldPath, surgeAllowed = true): FieldError[] {
  if (!obj(ru)) return [];
  const errs: FieldError[] = [];
  const mu = ru.maxUnavailable;
  const ms = ru.maxSurge;
  errs.push(...validatePositiveIntOrPercent([...path, 'maxUnavailable'], mu));
  if (surgeAllowed) errs.push(...validatePositiveIntOrPercent([...path, 'maxSurge'], ms));
  const u = intOrPercentValue(mu);
  const sg = intOrPercentValue(ms);
  if (u?.percent && u.value > 100) errs.push(invalid([...path, 'maxUnavailable'], mu, 'must not be greater than 100%'));
  if (u && sg && u.value === 0 && sg.value === 0) {
    errs.push(invalid([...path, 'maxUnavailable'], goIntOrString(mu), 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

function validateDeployment(d: KObject): FieldError[] {
  const s = spec(d);
  const errs = [...validateReplicas(s, ['spec']), ...validateSelectorAndTemplate(s, ['spec'], 'deployment'), ...validateTemplateSpec(s, ['spec'], ['Always'], 'ReplicaSet')];
  const st = s.strategy;
  if (obj(st)) {
    if (!['Recreate', 'RollingUpdate'].includes(st.type)) errs.push(notSupported(['spec', 'strategy', 'type'], st.type, ['Recreate', 'RollingUpdate']));
    else if (st.type === 'Recreate' && st.rollingUpdate !== undefined) {
      errs.push(forbidden(['spec', 'strategy', 'rollingUpdate'], "may not be specified when strategy `type` is 'Recreate'"));
    } else errs.push(...validateRollingUpdate(st.rollingUpdate, ['spec', 'strategy', 'rollingUpdate']));
  }
  errs.push(...nonNegative(['spec', 'progressDeadlineSeconds'], s.progressDeadlineSeconds));
  if (typeof s.progressDeadlineSeconds === 'number' && s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
    errs.push(invalid(['spec', 'progressDeadlineSeconds'], s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateReplicaSet(rs: KObject): FieldError[] {
  const s = spec(rs);
  return [...validateReplicas(s, ['spec']), ...validateSelectorAndTemplate(s, ['spec'], 'deployment'), ...validateTemplateSpec(s, ['spec'], ['Always'], 'ReplicaSet')];
}

function validateReplicationController(rc: KObject): FieldError[] {
  const s = spec(rc);
  const errs = [...validateReplicas(s, ['spec'])];
  const sel = s.selector;
  if (!obj(sel) || !Object.keys(sel).length) errs.push(required(['spec', 'selector']));
  else {
    errs.push(...validateLabels(sel, ['spec', 'selector']));
    const labels = obj(s.template) && obj(s.template.metadata) ? s.template.metadata.labels : undefined;
    if (!matches(selectorFromMap(sel), labels ?? {})) errs.push(invalid(['spec', 'template', 'metadata', 'labels'], labels ?? {}, '`selector` does not match template `labels`'));
  }
  if (!obj(s.template)) errs.push(required(['spec', 'template']));
  return [...errs, ...validateTemplateSpec(s, ['spec'], ['Always'])];
}

function validateDaemonSet(ds: KObject): FieldError[] {
  const s = spec(ds);
  const errs = [...nonNegative(['spec', 'minReadySeconds'], s.minReadySeconds), ...nonNegative(['spec', 'revisionHistoryLimit'], s.revisionHistoryLimit)];
  errs.push(...validateSelectorAndTemplate(s, ['spec'], 'daemonset'), ...validateTemplateSpec(s, ['spec'], ['Always'], 'DaemonSet'));
  const st = s.updateStrategy;
  if (obj(st)) {
    if (!['OnDelete', 'RollingUpdate'].includes(st.type)) errs.push(notSupported(['spec', 'updateStrategy', 'type'], st.type, ['OnDelete', 'RollingUpdate']));
    else if (st.type === 'RollingUpdate') errs.push(...validateRollingUpdate(st.rollingUpdate, ['spec', 'updateStrategy', 'rollingUpdate']));
  }
  return errs;
}

function validateStatefulSet(sts: KObject): FieldError[] {
  const s = spec(sts);
  // Mounts may name a volumeClaimTemplate: the controller adds those volumes to each pod (upstream
  // does not check the template's volumes against its mounts for a StatefulSet at all).
  const asList = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const claimVolumes = asList(s.volumeClaimTemplates).filter((t) => obj(t) && obj(t.metadata) && t.metadata.name).map((t) => ({ name: t.metadata.name, emptyDir: {} }));
  const withClaims = claimVolumes.length && obj(s.template) && obj(s.template.spec) ? { ...s, template: { ...s.template, spec: { ...s.template.spec, volumes: [...asList(s.template.spec.volumes), ...claimVolumes] } } } : s;
  const errs = [...validateReplicas(s, ['spec']), ...validateSelectorAndTemplate(s, ['spec'], 'statefulset'), ...validateTemplateSpec(withClaims, ['spec'], ['Always'])];
  if (s.podManagementPolicy !== undefined && !['OrderedReady', 'Parallel'].includes(s.podManagementPolicy)) {
    errs.push(notSupported(['spec', 'podManagementPolicy'], s.podManagementPolicy, ['OrderedReady', 'Parallel']));
  }
  const st = s.updateStrategy;
  if (obj(st)) {
    if (!['OnDelete', 'RollingUpdate'].includes(st.type)) errs.push(notSupported(['spec', 'updateStrategy', 'type'], st.type, ['OnDelete', 'RollingUpdate']));
    else if (obj(st.rollingUpdate)) errs.push(...nonNegative(['spec', 'updateStrategy', 'rollingUpdate', 'partition'], st.rollingUpdate.partition));
  }
  return errs;
}

/** A Job's spec (also the jobTemplate of a CronJob, without the selector rules there). */
function validateJobSpec(s: Record<string, any>, path: FieldPath, withSelector: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...nonNegative([...path, f], s[f]));
  if (s.activeDeadlineSeconds !== undefined) errs.push(...nonNegative([...path, 'activeDeadlineSeconds'], s.activeDeadlineSeconds));
  if (s.completionMode !== undefined && !['NonIndexed', 'Indexed'].includes(s.completionMode)) {
    errs.push(notSupported([...path, 'completionMode'], s.completionMode, ['NonIndexed', 'Indexed']));
  }
  if (s.completionMode === 'Indexed' && s.completions === undefined) {
    errs.push(required([...path, 'completions'], 'when completion mode is Indexed'));
  }
  if (withSelector) errs.push(...validateSelectorAndTemplate(s, path, 'job'));
  else if (!obj(s.template)) errs.push(required([...path, 'template']));
  if (obj(s.template)) {
    const rp = obj(s.template.spec) ? s.template.spec.restartPolicy : undefined;
    if (rp === 'Always') errs.push(notSupported([...path, 'template', 'spec', 'restartPolicy'], rp, ['OnFailure', 'Never']));
    else errs.push(...validateTemplateSpec(s, path, ['OnFailure', 'Never']));
  }
  return errs;
}

function validateJob(job: KObject, old: KObject | undefined): FieldError[] {
  const s = spec(job);
  const errs = validateJobSpec(s, ['spec'], true);
  // A generated selector must be the one the API server generated.
  if (!old && s.manualSelector !== true && obj(s.selector) && obj(s.selector.matchLabels) && s.selector.matchLabels[CONTROLLER_UID_LABEL] !== job.metadata.uid) {
    errs.push(invalid(['spec', 'selector'], goLabelSelector(s.selector), '`selector` not auto-generated'));
  }
  if (old) {
    const o = old.spec ?? {};
    if (!deepEqual(s.selector, o.selector)) errs.push(invalid(['spec', 'selector'], goLabelSelector(s.selector), 'field is immutable'));
    if (s.completionMode !== o.completionMode) errs.push(invalid(['spec', 'completionMode'], s.completionMode, 'field is immutable'));
    if (s.completions !== o.completions && s.completionMode !== 'Indexed') errs.push(invalid(['spec', 'completions'], s.completions, 'field is immutable'));
    // The template may change only while the job is suspended (its pods are gone).
    if (!o.suspend && !deepEqual(s.template, o.template)) {
      errs.push(invalid(['spec', 'template'], new GoValue(`core.PodTemplateSpec{…}`), 'field is immutable'));
    }
  }
  return errs;
}

function validateCronJob(cj: KObject): FieldError[] {
  const s = spec(cj);
  const errs: FieldError[] = [];
  if (!s.schedule) errs.push(required(['spec', 'schedule']));
  else if (typeof s.schedule === 'string') {
    const e = cronScheduleErrors(s.schedule);
    if (e) errs.push(invalid(['spec', 'schedule'], s.schedule, e));
  }
  if (typeof s.timeZone === 'string') {
    const e = timeZoneError(s.timeZone);
    if (e) errs.push(invalid(['spec', 'timeZone'], s.timeZone, e));
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(s.concurrencyPolicy)) errs.push(notSupported(['spec', 'concurrencyPolicy'], s.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(['spec', f], s[f]));
  const jt = s.jobTemplate;
  if (!obj(jt)) errs.push(required(['spec', 'jobTemplate']));
  else if (!obj(jt.spec)) errs.push(required(['spec', 'jobTemplate', 'spec']));
  else {
    if (obj(jt.spec.selector) && jt.spec.manualSelector !== true) {
      errs.push(forbidden(['spec', 'jobTemplate', 'spec', 'selector'], '`selector` will be auto-generated'));
    }
    errs.push(...validateJobSpec(jt.spec, ['spec', 'jobTemplate', 'spec'], false));
  }
  return errs;
}

/** Selectors of apps workloads cannot change (apps/v1 made them immutable). */
function validateSelectorImmutable(o: KObject, old: KObject | undefined): FieldError[] {
  if (!old) return [];
  const sel = o.spec?.selector;
  if (deepEqual(sel, old.spec?.selector)) return [];
  return [invalid(['spec', 'selector'], goLabelSelector(sel), 'field is immutable')];
}

function validateStatefulSetUpdate(sts: KObject, old: KObject): FieldError[] {
  // Only some fields may change on a StatefulSet.
  const pick = (s: any) => {
    const { replicas: _r, ordinals: _o, template: _t, updateStrategy: _u, persistentVolumeClaimRetentionPolicy: _p, minReadySeconds: _m, revisionHistoryLimit: _h, ...rest } = s ?? {};
    return rest;
  };
  if (deepEqual(pick(sts.spec), pick(old.spec))) return [];
  return [
    forbidden(
      ['spec'],
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const workloadPlugins: AdmissionPlugin[] = [
  {
    name: 'Deployment',
    kinds: ['Deployment'],
    default: (d) => defaultDeployment(d),
    validate: (d, old) => [...validateDeployment(d), ...validateSelectorImmutable(d, old)],
  },
  {
    name: 'ReplicaSet',
    kinds: ['ReplicaSet'],
    default: (rs) => defaultReplicaSet(rs),
    validate: (rs, old) => [...validateReplicaSet(rs), ...validateSelectorImmutable(rs, old)],
  },
  {
    name: 'ReplicationController',
    kinds: ['ReplicationController'],
    default: (rc) => defaultReplicationController(rc),
    validate: (rc) => validateReplicationController(rc),
  },
  {
    name: 'DaemonSet',
    kinds: ['DaemonSet'],
    default: (ds) => defaultDaemonSet(ds),
    validate: (ds, old) => [...validateDaemonSet(ds), ...validateSelectorImmutable(ds, old)],
  },
  {
    name: 'StatefulSet',
    kinds: ['StatefulSet'],
    default: (sts) => defaultStatefulSet(sts),
    validate: (sts, old) => {
      const errs = validateStatefulSet(sts);
      return old ? [...errs, ...validateStatefulSetUpdate(sts, old)] : errs;
    },
  },
  {
    name: 'Job',
    kinds: ['Job'],
    default: (job, old) => defaultJob(job, old),
    validate: (job, old) => validateJob(job, old),
  },
  {
    name: 'CronJob',
    kinds: ['CronJob'],
    default: (cj) => defaultCronJob(cj),
    validate: (cj) => validateCronJob(cj),
  },
];
