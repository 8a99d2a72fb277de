/**
 * The Deployment controller's arithmetic, after Kubernetes' `pkg/controller/deployment/util`:
 * the pod-template-hash, maxSurge / maxUnavailable fenceposts, revisions and the annotations
 * ReplicaSets carry, proportional scaling fractions, and the Progressing / Available conditions.
 * Pure functions over plain objects; the controller does the writing.
 */
import type { KObject } from '../api/types';
import { clone, deepEqual } from '../api/json';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';

/** Progressing / Available / ReplicaFailure condition reasons (deployment util's constants). */
export const Reason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** A Deployment with progressDeadlineSeconds at MaxInt32 has no deadline (it is the "never" value). */
const MAX_INT32 = 2147483647;

export type DeploymentCondition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
};

// ---- spec with the API server's defaults (in case admission has not filled them in) ----

export function desiredReplicas(d: KObject): number {
  const r = d.spec?.replicas;
  return typeof r === 'number' && r >= 0 ? Math.floor(r) : 1;
}

export function isRollingUpdate(d: KObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function revisionHistoryLimit(d: KObject): number {
  const v = d.spec?.revisionHistoryLimit;
  return typeof v === 'number' && v >= 0 ? v : 10;
}

/** Seconds, or undefined when the Deployment has no progress deadline. */
export function progressDeadline(d: KObject): number | undefined {
  const v = d.spec?.progressDeadlineSeconds;
  if (v === undefined || v === null) return 600;
  return typeof v === 'number' && v > 0 && v < MAX_INT32 ? v : undefined;
}

export function minReadySeconds(obj: KObject): number {
  const v = obj.spec?.minReadySeconds;
  return typeof v === 'number' && v > 0 ? v : 0;
}

// ---- pod-template-hash ----

/** JSON with keys in sorted order, so that equal templates hash equal whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * ComputeHash: FNV-32a over the template (and the collision count, when there is one), written as
 * rand.SafeEncodeString of its decimal digits: `5d59d67564`. Kubernetes hashes a Go dump of the
 * struct; this hashes canonical JSON, so values differ from a real cluster's but behave the same:
 * stable for a template, different when it changes.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  const bytes = new TextEncoder().encode(canonical(template) + (collisionCount ? String(collisionCount) : ''));
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  for (const ch of String(h)) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/** Templates equal apart from the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: any, b: any): boolean {
  const strip = (t: any) => {
    const c = clone(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels[POD_TEMPLATE_HASH];
      if (!Object.keys(c.metadata.labels).length) delete c.metadata.labels;
    }
    if (c.metadata && !Object.keys(c.metadata).length) delete c.metadata;
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

// ---- maxSurge / maxUnavailable ----

/** An IntOrString as a count of `total`: "25%" scales (rounding up or down), a number is itself. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return Math.max(0, Math.floor(v));
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v.trim());
    if (m) {
      const x = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  }
  return 0;
}

/**
 * ResolveFenceposts: surge rounds up, unavailable rounds down; if both come to zero, unavailable is
 * 1 (validation rejects two explicit zeros, but a small percentage can round down to zero).
 */
export function resolveFenceposts(d: KObject): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const replicas = desiredReplicas(d);
  const maxSurge = scaledValue(ru.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxSurge(d: KObject): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).maxSurge : 0;
}

export function maxUnavailable(d: KObject): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, replicas);
}

// ---- replica counts ----

export const specReplicas = (rs: KObject | undefined): number => (rs ? (rs.spec?.replicas ?? 1) : 0);
export const sumSpec = (rss: KObject[]): number => rss.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumStatus = (rss: KObject[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number =>
  rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
export const isActive = (rs: KObject): boolean => specReplicas(rs) > 0;

// ---- ordering ----

function created(rs: KObject): string {
  return rs.metadata.creationTimestamp ?? '';
}

/** Oldest first; ties by name (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: KObject, b: KObject): number {
  if (created(a) !== created(b)) return created(a) < created(b) ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Larger first; equal sizes newer first (scaling up). */
export function bySizeNewer(a: KObject, b: KObject): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** Larger first; equal sizes older first (scaling down). */
export function bySizeOlder(a: KObject, b: KObject): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

export function revisionOf(obj: KObject | undefined): number {
  const v = Number(obj?.metadata.annotations?.[REVISION] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

export function byRevision(a: KObject, b: KObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

// ---- annotations ----

function skipCopy(key: string): boolean {
  return key === LAST_APPLIED || key === REVISION || key === REVISION_HISTORY || key === DESIRED_REPLICAS || key === MAX_REPLICAS || key === ROLLBACK_TO;
}

/**
 * SetNewReplicaSetAnnotations on `rs` (a draft): copy the Deployment's annotations (change-cause
 * among them), move the revision up to `newRevision` keeping the old one in revision-history, and
 * for a ReplicaSet about to be created, the replica annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: KObject, rs: KObject, newRevision: number, exists: boolean): boolean {
  const ann: Record<string, string> = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopy(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  const oldRevision = ann[REVISION];
  if ((Number(oldRevision) || 0) < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
    if (oldRevision && exists) {
      ann[REVISION_HISTORY] = ann[REVISION_HISTORY] ? `${ann[REVISION_HISTORY]},${oldRevision}` : oldRevision;
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: KObject, desired: number, max: number): boolean {
  const ann = rs.metadata.annotations ?? {};
  return ann[DESIRED_REPLICAS] !== String(desired) || ann[MAX_REPLICAS] !== String(max);
}

export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const ann: Record<string, string> = (rs.metadata.annotations ??= {});
  ann[DESIRED_REPLICAS] = String(desired);
  ann[MAX_REPLICAS] = String(max);
  return true;
}

function intAnnotation(rs: KObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

// ---- scaling ----

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: KObject, allRSs: KObject[], newRS: KObject): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d)) return replicas;
  const current = sumSpec(allRSs);
  const maxTotal = replicas + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}

/** IsSaturated: the new ReplicaSet is at full size and fully available. */
export function isSaturated(d: KObject, rs: KObject | undefined): boolean {
  if (!rs) return false;
  const replicas = desiredReplicas(d);
  return intAnnotation(rs, DESIRED_REPLICAS) === replicas && specReplicas(rs) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** FindActiveOrLatest: the one active ReplicaSet, or the newest when none is active; else undefined. */
export function findActiveOrLatest(newRS: KObject | undefined, oldRSs: KObject[]): KObject | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = [...olds, ...(newRS ? [newRS] : [])].filter(isActive);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * GetProportion: this ReplicaSet's share of `toAdd` replicas, in proportion to its size against
 * the size the Deployment had (its max-replicas annotation), bounded by what is left to hand out.
 */
export function proportion(rs: KObject, d: KObject, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: KObject, d: KObject): number {
  const replicas = desiredReplicas(d);
  if (replicas === 0) return -specReplicas(rs);
  const deploymentReplicas = replicas + maxSurge(d);
  // Without the annotation, fall back to the Deployment's current size: not exact, but the bounds
  // in proportion() keep the result within limits.
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (!annotated) return 0;
  return roundHalfAway((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

// ---- conditions ----

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: string): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getCondition(status: any, type: string): DeploymentCondition | undefined {
  return (status?.conditions ?? []).find((c: DeploymentCondition) => c.type === type);
}

/** SetDeploymentCondition: no-op when status and reason are unchanged; keeps the transition time when only the reason moves. */
export function setCondition(status: any, cond: DeploymentCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond = { ...cond, lastTransitionTime: current.lastTransitionTime };
  status.conditions = [...(status.conditions ?? []).filter((c: DeploymentCondition) => c.type !== cond.type), cond];
}

export function removeCondition(status: any, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c: DeploymentCondition) => c.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: KObject, s: any): boolean {
  const replicas = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === replicas && (s.replicas ?? 0) === replicas && (s.availableReplicas ?? 0) === replicas && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(d: KObject, s: any): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition has not been updated for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KObject, s: any, now: number, parseIso: (ts: string) => number): boolean {
  const deadline = progressDeadline(d);
  if (deadline === undefined) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === Reason.NewReplicaSetAvailable) return false;
  if (c.reason === Reason.ProgressDeadlineExceeded) return true;
  return parseIso(c.lastUpdateTime) + deadline * 1000 < now;
}
