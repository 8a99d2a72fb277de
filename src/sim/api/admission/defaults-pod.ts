/**
 * Pod defaults as the API server applies them (pkg/apis/core/v1/defaults.go SetDefaults_PodSpec,
 * SetDefaults_Container, SetDefaults_Probe, …) to every PodSpec, templates included; plus what only
 * a Pod gets (SetDefaults_Pod: requests copied from limits, enableServiceLinks; and the admission
 * plugins ServiceAccount, Priority and DefaultTolerationSeconds).
 */
import type { KObject } from '../types';
import { isPlainObject } from '../json';
import { qosClass } from '../../node/qos';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);

/** `nginx`, `nginx:latest` pull Always; any other tag or a digest pulls IfNotPresent. */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > slash ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!obj(p)) return;
  // Zero means unset for these int32 fields: the API server fills them in.
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHandler(p);
}

function defaultHandler(h: Record<string, any>): void {
  if (obj(h.httpGet)) {
    h.httpGet.path ||= '/';
    h.httpGet.scheme ||= 'HTTP';
  }
}

function defaultContainer(c: unknown, hostNetwork: boolean): void {
  if (!obj(c)) return;
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  c.imagePullPolicy ||= defaultPullPolicy(c.image);
  if (!obj(c.resources)) c.resources = {};
  if (Array.isArray(c.ports)) {
    for (const p of c.ports) {
      if (!obj(p)) continue;
      p.protocol ||= 'TCP';
      // With the host's network the container's port is the host's port.
      if (hostNetwork && !p.hostPort && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
    }
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (obj(c.lifecycle)) {
    if (obj(c.lifecycle.postStart)) defaultHandler(c.lifecycle.postStart);
    if (obj(c.lifecycle.preStop)) defaultHandler(c.lifecycle.preStop);
  }
  if (Array.isArray(c.env)) {
    for (const e of c.env) if (obj(e) && obj(e.valueFrom) && obj(e.valueFrom.fieldRef)) e.valueFrom.fieldRef.apiVersion ||= 'v1';
  }
}

function defaultVolume(v: unknown): void {
  if (!obj(v)) return;
  const sources = Object.keys(v).filter((k) => k !== 'name');
  // A volume with no source is an emptyDir (SetDefaults_Volume).
  if (!sources.length) v.emptyDir = {};
  for (const k of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    if (obj(v[k]) && v[k].defaultMode === undefined) v[k].defaultMode = 420;
  }
  if (obj(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (obj(v.downwardAPI) && Array.isArray(v.downwardAPI.items)) {
    for (const i of v.downwardAPI.items) if (obj(i) && obj(i.fieldRef)) i.fieldRef.apiVersion ||= 'v1';
  }
}

/** Defaults of any PodSpec (a Pod's or a template's). */
export function defaultPodSpec(spec: unknown): void {
  if (!obj(spec)) return;
  spec.restartPolicy ||= 'Always';
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.schedulerName ||= 'default-scheduler';
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (!obj(spec.securityContext)) spec.securityContext = {};
  // serviceAccount is the deprecated alias of serviceAccountName; each fills the other.
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (Array.isArray(spec[list])) for (const c of spec[list]) defaultContainer(c, hostNetwork);
  }
  if (Array.isArray(spec.volumes)) for (const v of spec.volumes) defaultVolume(v);
}

/** A PodTemplateSpec's defaults (Deployments, ReplicaSets, Jobs, …). */
export function defaultPodTemplate(template: unknown): void {
  if (!obj(template)) return;
  defaultPodSpec(template.spec);
}

/** Priorities of the built-in PriorityClasses (the Priority admission plugin resolves names). */
const SYSTEM_PRIORITIES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/** What a Pod (not a template) gets on creation. */
export function defaultPod(pod: KObject, ctx: { store: { get(kind: string, ns: string | undefined, name: string): KObject | undefined } }, creating: boolean): void {
  const spec = pod.spec;
  if (!obj(spec)) return;
  defaultPodSpec(spec);
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  for (const list of ['containers', 'initContainers']) {
    if (!Array.isArray(spec[list])) continue;
    for (const c of spec[list]) {
      // Limits without requests: requests default to the limits (SetDefaults_Pod, Pods only).
      if (!obj(c) || !obj(c.resources) || !obj(c.resources.limits)) continue;
      const requests = obj(c.resources.requests) ? c.resources.requests : (c.resources.requests = {});
      for (const [k, v] of Object.entries(c.resources.limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  if (!creating) return;
  // ServiceAccount admission: every pod runs as a service account.
  if (!spec.serviceAccountName) {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }
  // Priority admission: the class's value, and its preemption policy.
  if (spec.priority === undefined) {
    const pcName = spec.priorityClassName;
    const pc = pcName ? ctx.store.get('PriorityClass', undefined, pcName) : undefined;
    spec.priority = typeof pc?.value === 'number' ? pc.value : (SYSTEM_PRIORITIES[pcName] ?? 0);
  }
  if (spec.preemptionPolicy === undefined) {
    const pc = spec.priorityClassName ? ctx.store.get('PriorityClass', undefined, spec.priorityClassName) : undefined;
    spec.preemptionPolicy = pc?.preemptionPolicy ?? 'PreemptLowerPriority';
  }
}

/** The API server starts every pod Pending, its QoS class decided once (after LimitRanger's defaults). */
export function initialPodStatus(pod: KObject): void {
  if (!obj(pod.spec)) return;
  const status = obj(pod.status) ? pod.status : (pod.status = {});
  status.phase ||= 'Pending';
  status.qosClass ||= qosClass(pod.spec);
}
