/**
 * Pod validation (pkg/apis/core/validation ValidatePodSpec, ValidateContainers, validateProbe,
 * ValidateResourceRequirements, ValidateVolumes, validateTolerations) with the API server's messages,
 * for Pods and for the pod templates of workloads; and the rule that a running pod's spec is
 * immutable but for images, activeDeadlineSeconds and added tolerations (ValidatePodUpdate).
 */
import type { KObject } from '../types';
import { clone, deepEqual, isPlainObject } from '../json';
import { parseQuantity, canonicalQuantity } from '../quantity';
import type { FieldPath } from '../yaml';
import type { AdmissionPlugin } from './registry';
import { duplicate, forbidden, invalid, named, notFound, notSupported, required, type FieldError } from './field-errors';
import { defaultPod } from './defaults-pod';
import {
  each,
  inRange,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nonNegative,
  validatePortNumOrName,
} from './validation';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'configMap', 'secret', 'persistentVolumeClaim', 'downwardAPI', 'projected', 'nfs', 'ephemeral', 'csi',
  'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker',
  'fc', 'azureFile', 'azureDisk', 'vsphereVolume', 'quobyte', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

function validateProbe(p: unknown, path: FieldPath, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!obj(p)) return [];
  const errs: FieldError[] = [];
  const handlers = HANDLERS.filter((h) => p[h] !== undefined);
  if (!handlers.length) errs.push(required(path, 'must specify a handler type'));
  for (const h of handlers.slice(1)) errs.push(forbidden([...path, h], 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds']) {
    errs.push(...nonNegative([...path, f], p[f]));
  }
  // Liveness and startup probes succeed once: anything else would never be satisfied differently.
  if (kind !== 'readiness' && typeof p.successThreshold === 'number' && p.successThreshold !== 1) {
    errs.push(invalid([...path, 'successThreshold'], p.successThreshold, 'must be 1'));
  }
  if (obj(p.httpGet)) {
    errs.push(...validatePortNumOrName([...path, 'httpGet', 'port'], p.httpGet.port));
    if (p.httpGet.port === undefined) errs.push(required([...path, 'httpGet', 'port']));
    if (p.httpGet.scheme && !['HTTP', 'HTTPS'].includes(p.httpGet.scheme)) errs.push(notSupported([...path, 'httpGet', 'scheme'], p.httpGet.scheme, ['HTTP', 'HTTPS']));
  }
  if (obj(p.tcpSocket)) {
    if (p.tcpSocket.port === undefined) errs.push(required([...path, 'tcpSocket', 'port']));
    errs.push(...validatePortNumOrName([...path, 'tcpSocket', 'port'], p.tcpSocket.port));
  }
  if (obj(p.exec) && !list(p.exec.command).length) errs.push(required([...path, 'exec', 'command']));
  if (obj(p.grpc) && typeof p.grpc.port === 'number') errs.push(...each([...path, 'grpc', 'port'], p.grpc.port, isValidPortNum(p.grpc.port)));
  return errs;
}

/** requests and limits: valid, non-negative, integral where required, requests ≤ limits. */
function validateResources(r: unknown, path: FieldPath): FieldError[] {
  if (!obj(r)) return [];
  const errs: FieldError[] = [];
  const limits = obj(r.limits) ? r.limits : {};
  const requests = obj(r.requests) ? r.requests : {};
  const field = (which: string, k: string) => `${fmt(path)}.${which}[${k}]`;
  for (const [which, m] of [['limits', limits], ['requests', requests]] as const) {
    for (const [k, v] of Object.entries(m)) {
      const p = [...path, which, k];
      for (const e of isQualifiedName(k)) errs.push(named(invalid(p, k, e), `${fmt(path)}.${which}`));
      const q = parseQuantity(v);
      if (!q) continue; // decoding rejected it already
      const shown = canonicalQuantity(v);
      if (q.nanos < 0n) errs.push(named(invalid(p, shown, 'must be greater than or equal to 0'), field(which, k)));
      // Huge pages and extended resources are whole units; memory and cpu can be fractions.
      if ((k.startsWith('hugepages-') || k.includes('/')) && q.nanos % 1_000_000_000n !== 0n) errs.push(named(invalid(p, shown, 'must be an integer'), field(which, k)));
    }
  }
  for (const [k, req] of Object.entries(requests)) {
    const lim = limits[k];
    if (lim === undefined) {
      // Extended resources must be limited when requested: they cannot be overcommitted.
      if (k.includes('/') && !k.startsWith('kubernetes.io/')) errs.push(named(invalid([...path, 'limits'], undefined, `Limit must be set for non overcommitable resources`), `${fmt(path)}.limits`));
      continue;
    }
    const rq = parseQuantity(req);
    const lq = parseQuantity(lim);
    if (rq && lq && rq.nanos > lq.nanos) {
      errs.push(named(invalid([...path, 'requests', k], canonicalQuantity(req), `must be less than or equal to ${k} limit of ${canonicalQuantity(lim)}`), field('requests', k)));
    } else if (rq && lq && k.includes('/') && rq.nanos !== lq.nanos) {
      errs.push(named(invalid([...path, 'requests', k], canonicalQuantity(req), `must be equal to ${k} limit of ${canonicalQuantity(lim)}`), field('requests', k)));
    }
  }
  return errs;
}

const fmt = (path: FieldPath) => path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');

function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(env).forEach((e, i) => {
    const p = [...path, i];
    if (!obj(e)) return;
    if (!e.name) errs.push(required([...p, 'name']));
    else errs.push(...each([...p, 'name'], e.name, isEnvVarName(e.name)));
    const vf = e.valueFrom;
    if (obj(vf)) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => vf[k] !== undefined);
      if (e.value) errs.push(invalid([...p, 'valueFrom'], '', 'may not be specified when `value` is not empty'));
      if (!sources.length) errs.push(invalid([...p, 'valueFrom'], '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) errs.push(invalid([...p, 'valueFrom'], '', 'may not have more than one field specified at a time'));
      for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
        const r = vf[ref];
        if (!obj(r)) continue;
        if (!r.key) errs.push(required([...p, 'valueFrom', ref, 'key']));
        else errs.push(...each([...p, 'valueFrom', ref, 'key'], r.key, isConfigMapKey(r.key)));
        if (!r.name) errs.push(required([...p, 'valueFrom', ref, 'name']));
        else errs.push(...each([...p, 'valueFrom', ref, 'name'], r.name, isDNS1123Subdomain(r.name)));
      }
      if (obj(vf.fieldRef) && !vf.fieldRef.fieldPath) errs.push(required([...p, 'valueFrom', 'fieldRef', 'fieldPath']));
    }
  });
  return errs;
}

function validateContainer(c: any, path: FieldPath, volumes: Set<string>, init: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required([...path, 'name']));
  else errs.push(...each([...path, 'name'], c.name, isDNS1123Label(c.name)));
  if (!c.image || (typeof c.image === 'string' && !c.image.trim())) errs.push(required([...path, 'image']));
  else if (typeof c.image === 'string' && c.image !== c.image.trim()) errs.push(invalid([...path, 'image'], c.image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(notSupported([...path, 'imagePullPolicy'], c.imagePullPolicy, PULL_POLICIES));
  const portNames = new Set<string>();
  list(c.ports).forEach((p, i) => {
    const pp = [...path, 'ports', i];
    if (!obj(p)) return;
    if (p.name !== undefined && p.name !== '') {
      errs.push(...each([...pp, 'name'], p.name, isValidPortName(p.name)));
      if (portNames.has(p.name)) errs.push(duplicate([...pp, 'name'], p.name));
      portNames.add(p.name);
    }
    if (!p.containerPort) errs.push(required([...pp, 'containerPort']));
    else errs.push(...each([...pp, 'containerPort'], p.containerPort, isValidPortNum(p.containerPort)));
    if (p.hostPort) errs.push(...each([...pp, 'hostPort'], p.hostPort, isValidPortNum(p.hostPort)));
    if (p.protocol && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported([...pp, 'protocol'], p.protocol, PROTOCOLS));
  });
  errs.push(...validateEnv(c.env, [...path, 'env']));
  const mountPaths = new Set<string>();
  list(c.volumeMounts).forEach((m, i) => {
    const mp = [...path, 'volumeMounts', i];
    if (!obj(m)) return;
    if (!m.name) errs.push(required([...mp, 'name']));
    else if (!volumes.has(m.name)) errs.push(notFound([...mp, 'name'], m.name));
    if (!m.mountPath) errs.push(required([...mp, 'mountPath']));
    else if (mountPaths.has(m.mountPath)) errs.push(invalid([...mp, 'mountPath'], m.mountPath, 'must be unique'));
    if (m.mountPath) mountPaths.add(m.mountPath);
  });
  if (!init) {
    errs.push(...validateProbe(c.livenessProbe, [...path, 'livenessProbe'], 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, [...path, 'readinessProbe'], 'readiness'));
    errs.push(...validateProbe(c.startupProbe, [...path, 'startupProbe'], 'startup'));
  } else {
    // Init containers run to completion before the pod is ready: probes mean nothing there.
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[probe] !== undefined && c.restartPolicy !== 'Always') errs.push(forbidden([...path, probe], 'may not be set for init containers without restartPolicy=Always'));
    }
  }
  errs.push(...validateResources(c.resources, [...path, 'resources']));
  return errs;
}

function validateVolumes(volumes: unknown, path: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(volumes).forEach((v, i) => {
    const p = [...path, i];
    if (!obj(v)) return;
    if (!v.name) errs.push(required([...p, 'name']));
    else {
      errs.push(...each([...p, 'name'], v.name, isDNS1123Label(v.name)));
      if (names.has(v.name)) errs.push(duplicate([...p, 'name'], v.name));
      names.add(v.name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    if (!sources.length) errs.push(required(p, 'must specify a volume type'));
    for (const s of sources.slice(1)) errs.push(forbidden([...p, s], 'may not specify more than 1 volume type'));
    if (obj(v.configMap) && !v.configMap.name) errs.push(required([...p, 'configMap', 'name']));
    if (obj(v.secret) && !v.secret.secretName) errs.push(required([...p, 'secret', 'secretName']));
    if (obj(v.persistentVolumeClaim) && !v.persistentVolumeClaim.claimName) errs.push(required([...p, 'persistentVolumeClaim', 'claimName']));
    if (obj(v.hostPath) && !v.hostPath.path) errs.push(required([...p, 'hostPath', 'path']));
    for (const s of ['configMap', 'secret']) {
      const mode = obj(v[s]) ? v[s].defaultMode : undefined;
      if (typeof mode === 'number' && (mode < 0 || mode > 0o777)) errs.push(invalid([...p, s, 'defaultMode'], mode, 'must be a number between 0 and 0777 (octal), both inclusive'));
    }
  });
  return { errs, names };
}

function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(tolerations).forEach((t, i) => {
    const p = [...path, i];
    if (!obj(t)) return;
    if (t.key) errs.push(...each([...p, 'key'], t.key, isQualifiedName(t.key)));
    const op = t.operator || 'Equal';
    if (!t.key && op !== 'Exists') errs.push(invalid([...p, 'operator'], op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') errs.push(invalid([...p, 'effect'], t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal') {
      if (t.value) errs.push(...each([...p, 'value'], t.value, isValidLabelValue(t.value)));
    } else if (op === 'Exists') {
      if (t.value) errs.push(invalid([...p, 'operator'], t.value, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(notSupported([...p, 'operator'], op, ['Equal', 'Exists']));
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported([...p, 'effect'], t.effect, TAINT_EFFECTS));
  });
  return errs;
}

export type PodSpecRules = {
  /** The restart policies allowed here (a workload's template allows fewer). */
  restartPolicies?: string[];
};

/** Validate a PodSpec at `path` (`spec`, or `spec.template.spec`). */
export function validatePodSpec(spec: unknown, path: FieldPath, rules: PodSpecRules = {}): FieldError[] {
  if (!obj(spec)) return [required(path)];
  const errs: FieldError[] = [];
  const { errs: volErrs, names: volumes } = validateVolumes(spec.volumes, [...path, 'volumes']);
  errs.push(...volErrs);
  const containers = list(spec.containers);
  if (!containers.length) errs.push(required([...path, 'containers']));
  const names = new Set<string>();
  for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
    list(spec[field]).forEach((c, i) => {
      if (!obj(c)) return;
      const p = [...path, field, i];
      errs.push(...validateContainer(c, p, volumes, init));
      if (c.name) {
        if (names.has(c.name)) errs.push(duplicate([...p, 'name'], c.name));
        names.add(c.name);
      }
    });
  }
  const rp = spec.restartPolicy;
  if (rp !== undefined && !RESTART_POLICIES.includes(rp)) errs.push(notSupported([...path, 'restartPolicy'], rp, RESTART_POLICIES));
  else if (rp !== undefined && rules.restartPolicies && !rules.restartPolicies.includes(rp)) errs.push(notSupported([...path, 'restartPolicy'], rp, rules.restartPolicies));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(notSupported([...path, 'dnsPolicy'], spec.dnsPolicy, DNS_POLICIES));
  errs.push(...nonNegative([...path, 'terminationGracePeriodSeconds'], spec.terminationGracePeriodSeconds));
  if (spec.activeDeadlineSeconds !== undefined) {
    errs.push(...each([...path, 'activeDeadlineSeconds'], spec.activeDeadlineSeconds, inRange(spec.activeDeadlineSeconds, 1, 2147483647)));
  }
  if (spec.serviceAccountName) errs.push(...each([...path, 'serviceAccountName'], spec.serviceAccountName, isDNS1123Subdomain(spec.serviceAccountName)));
  if (spec.nodeName) errs.push(...each([...path, 'nodeName'], spec.nodeName, isDNS1123Subdomain(spec.nodeName)));
  if (obj(spec.nodeSelector)) {
    for (const [k, v] of Object.entries(spec.nodeSelector)) {
      for (const m of isQualifiedName(k)) errs.push(named(invalid([...path, 'nodeSelector', k], k, m), `${fmt(path)}.nodeSelector`));
      if (typeof v === 'string') for (const m of isValidLabelValue(v)) errs.push(named(invalid([...path, 'nodeSelector', k], v, m), `${fmt(path)}.nodeSelector`));
    }
  }
  errs.push(...validateTolerations(spec.tolerations, [...path, 'tolerations']));
  if (spec.hostname) errs.push(...each([...path, 'hostname'], spec.hostname, isDNS1123Label(spec.hostname)));
  if (spec.subdomain) errs.push(...each([...path, 'subdomain'], spec.subdomain, isDNS1123Label(spec.subdomain)));
  if (spec.priorityClassName) errs.push(...each([...path, 'priorityClassName'], spec.priorityClassName, isDNS1123Subdomain(spec.priorityClassName)));
  return errs;
}

const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** A pod's spec is fixed once created, except images, the deadline and new tolerations. */
export function validatePodUpdate(pod: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const a = pod.spec ?? {};
  const b = old.spec ?? {};
  const oldTol = list(b.tolerations);
  const newTol = list(a.tolerations);
  if (!oldTol.every((t) => newTol.some((u) => deepEqual(t, u)))) {
    errs.push(forbidden(['spec', 'tolerations'], 'existing toleration can not be modified except its tolerationSeconds'));
  }
  if (typeof b.activeDeadlineSeconds === 'number' && (a.activeDeadlineSeconds === undefined || a.activeDeadlineSeconds > b.activeDeadlineSeconds)) {
    errs.push(invalid(['spec', 'activeDeadlineSeconds'], a.activeDeadlineSeconds ?? 0, 'must be less than or equal to previous value'));
  }
  // Compare with the mutable fields taken from the old spec.
  const mutable = (s: any, from: any) => ({
    ...s,
    containers: list(s.containers).map((c, i) => ({ ...c, image: list(from.containers)[i]?.image })),
    initContainers: s.initContainers && list(s.initContainers).map((c, i) => ({ ...c, image: list(from.initContainers)[i]?.image })),
    activeDeadlineSeconds: undefined,
    tolerations: undefined,
    nodeName: s.nodeName ?? from.nodeName,
  });
  if (!deepEqual(mutable(a, b), mutable(b, b))) errs.push(forbidden(['spec'], POD_UPDATE_MESSAGE));
  return errs;
}

/**
 * The last pod spec that validated clean, as a private deep copy (nobody else can change it). A
 * controller creates thousands of pods from one template, whose specs are equal once defaulted:
 * comparing is cheaper than validating again. Always valid: validatePodSpec reads nothing but the
 * spec, so a spec equal to it member for member has the same answer, no errors.
 */
let lastValidSpec: unknown;

function podSpecErrors(spec: unknown): FieldError[] {
  if (lastValidSpec !== undefined && sameJson(spec, lastValidSpec)) return [];
  const errs = validatePodSpec(spec, ['spec']);
  if (!errs.length) lastValidSpec = clone(spec);
  return errs;
}

/** Equal JSON, member for member: unlike deepEqual, a member set to undefined differs from a missing one. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    if (!(k in bo) || !sameJson(ao[k], bo[k])) return false;
    n++;
  }
  for (const _k in bo) if (--n < 0) return false;
  return n === 0;
}

export const podPlugin: AdmissionPlugin = {
  name: 'Pod',
  kinds: ['Pod'],
  default(pod, old, ctx) {
    defaultPod(pod, ctx, !old);
  },
  validate(pod, old) {
    const errs = podSpecErrors(pod.spec);
    if (old && !errs.length) errs.push(...validatePodUpdate(pod, old));
    return errs;
  },
};

