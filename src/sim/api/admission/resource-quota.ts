/**
 * The ResourceQuota admission plugin: a new object that would take a namespace past a quota's `hard`
 * limits is refused with the API server's wording
 * (`pods "web" is forbidden: exceeded quota: q, requested: pods=1, used: pods=5, limited: pods=5`),
 * and a pod that leaves out a tracked compute resource is refused too (`failed quota: q: must specify
 * limits.cpu for: web`). Usage is counted from the store, and written to the quota's `status.used`
 * when a quota is written and when an admitted object charges it (as the plugin does); pods that go
 * away are recounted on the next write in the namespace.
 */
import type { KObject } from '../types';
import { ApiError } from '../types';
import { isPlainObject } from '../json';
import { canonicalQuantity, formatQuantity, parseQuantity } from '../quantity';
import { resourceForKind } from '../resources';
import type { EngineContext } from '../../context';
import type { AdmissionPlugin } from './registry';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Object counts a quota may limit by their short names. */
const COUNTED: Record<string, string> = {
  pods: 'Pod',
  services: 'Service',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  replicationcontrollers: 'ReplicationController',
  resourcequotas: 'ResourceQuota',
};

const COMPUTE = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'];

const terminal = (pod: KObject) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** A pod's compute usage in nano-units: requests.cpu, limits.memory, … (`cpu` means requests.cpu). */
function podUsage(pod: KObject): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const c of list(pod.spec?.containers)) {
    for (const which of ['requests', 'limits'] as const) {
      for (const [k, v] of Object.entries(obj(c?.resources?.[which]) ? c.resources[which] : {})) {
        const n = parseQuantity(v)?.nanos ?? 0n;
        out[`${which}.${k}`] = (out[`${which}.${k}`] ?? 0n) + n;
        if (which === 'requests') out[k] = (out[k] ?? 0n) + n;
      }
    }
  }
  return out;
}

/** What one object charges: its count, and for pods their compute. */
function usageOf(o: KObject): Record<string, bigint> {
  const def = resourceForKind(o.kind);
  const out: Record<string, bigint> = {};
  if (!def) return out;
  const one = 1_000_000_000n;
  out[`count/${def.group ? `${def.plural}.${def.group}` : def.plural}`] = one;
  const short = Object.entries(COUNTED).find(([, k]) => k === o.kind)?.[0];
  if (short) out[short] = one;
  if (o.kind === 'Pod') Object.assign(out, podUsage(o));
  if (o.kind === 'Service') {
    if (o.spec?.type === 'NodePort' || o.spec?.type === 'LoadBalancer') out['services.nodeports'] = BigInt(list(o.spec?.ports).length) * one;
    if (o.spec?.type === 'LoadBalancer') out['services.loadbalancers'] = one;
  }
  if (o.kind === 'PersistentVolumeClaim') out['requests.storage'] = parseQuantity(o.spec?.resources?.requests?.storage)?.nanos ?? 0n;
  return out;
}

/** Current usage of the resources `hard` names, in a namespace (nano-units). */
function usedIn(ctx: EngineContext, namespace: string, hard: Record<string, unknown>, skip?: KObject): Record<string, bigint> {
  const used: Record<string, bigint> = {};
  for (const k of Object.keys(hard)) used[k] = 0n;
  const kinds = new Set<string>();
  for (const k of Object.keys(hard)) {
    if (COUNTED[k]) kinds.add(COUNTED[k]);
    else if (COMPUTE.includes(k) || k.startsWith('requests.') || k.startsWith('limits.')) kinds.add(k === 'requests.storage' ? 'PersistentVolumeClaim' : 'Pod');
    else if (k.startsWith('services.')) kinds.add('Service');
    else if (k.startsWith('count/')) {
      const [plural, ...group] = k.slice(6).split('.');
      const def = findByPlural(plural, group.join('.'));
      if (def) kinds.add(def);
    }
  }
  for (const kind of kinds) {
    for (const o of ctx.store.each(kind, namespace)) {
      if (skip && o.kind === skip.kind && o.metadata.name === skip.metadata.name) continue;
      if (o.kind === 'Pod' && (terminal(o) || o.metadata.deletionTimestamp)) continue;
      const u = usageOf(o);
      for (const k of Object.keys(hard)) used[k] += u[k] ?? 0n;
    }
  }
  return used;
}

function findByPlural(plural: string, group: string): string | undefined {
  for (const kind of Object.values(COUNTED)) {
    const d = resourceForKind(kind);
    if (d && d.plural === plural && d.group === group) return kind;
  }
  const known: Record<string, string> = { 'deployments.apps': 'Deployment', 'replicasets.apps': 'ReplicaSet', 'statefulsets.apps': 'StatefulSet', 'daemonsets.apps': 'DaemonSet', 'jobs.batch': 'Job', 'cronjobs.batch': 'CronJob', 'ingresses.networking.k8s.io': 'Ingress' };
  return known[group ? `${plural}.${group}` : plural];
}

/** A usage in the format of the quota's own value (`pods=5`, `requests.cpu=1500m`, `requests.memory=1536Mi`). */
const fmt = (n: bigint, like: unknown) => formatQuantity({ nanos: n, format: parseQuantity(like)?.format ?? 'DecimalSI' });

const pretty = (m: Record<string, string>) =>
  Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(',');

function admitObject(o: KObject, old: KObject | undefined, ctx: EngineContext): void {
  const ns = o.metadata.namespace;
  if (!ns || old || o.kind === 'ResourceQuota' || !ctx.store.count('ResourceQuota', ns)) return;
  const quotas = ctx.store.list('ResourceQuota', ns);
  if (!quotas.length) return;
  const def = resourceForKind(o.kind);
  const what = `${def ? (def.group ? `${def.plural}.${def.group}` : def.plural) : o.kind.toLowerCase()} "${o.metadata.name}"`;
  const requested = usageOf(o);
  for (const q of quotas) {
    const hard: Record<string, unknown> = obj(q.spec?.hard) ? q.spec.hard : {};
    // A pod must state every compute resource the quota tracks.
    if (o.kind === 'Pod') {
      const missing: string[] = [];
      for (const k of Object.keys(hard).filter((k) => COMPUTE.includes(k)).sort()) {
        const [which, res] = k.includes('.') ? k.split('.') : ['requests', k];
        const lacking = list(o.spec?.containers).filter((c) => c?.resources?.[which]?.[res] === undefined).map((c) => c?.name);
        if (lacking.length) missing.push(`${k} for: ${lacking.join(',')}`);
      }
      if (missing.length) throw new ApiError('Forbidden', `${what} is forbidden: failed quota: ${q.metadata.name}: must specify ${missing.join('; ')}`);
    }
    const used = usedIn(ctx, ns, hard);
    const exceeded = Object.keys(hard).filter((k) => requested[k] !== undefined && requested[k] > 0n && used[k] + requested[k] > (parseQuantity(hard[k])?.nanos ?? 0n));
    if (exceeded.length) {
      const pick = (src: Record<string, bigint>) => Object.fromEntries(exceeded.map((k) => [k, fmt(src[k] ?? 0n, hard[k])]));
      throw new ApiError(
        'Forbidden',
        `${what} is forbidden: exceeded quota: ${q.metadata.name}, requested: ${pretty(pick(requested))}, used: ${pretty(pick(used))}, limited: ${pretty(Object.fromEntries(exceeded.map((k) => [k, canonicalQuantity(hard[k]) ?? String(hard[k])])))}`,
      );
    }
  }
  // Charge the quotas, as the plugin does when it admits.
  for (const q of quotas) {
    const hard: Record<string, unknown> = obj(q.spec?.hard) ? q.spec.hard : {};
    const used = usedIn(ctx, ns, hard);
    for (const k of Object.keys(used)) used[k] += requested[k] ?? 0n;
    writeStatus(ctx, q, hard, used);
  }
}

function writeStatus(ctx: EngineContext, q: KObject, hard: Record<string, unknown>, used: Record<string, bigint>): void {
  const status = {
    hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, canonicalQuantity(v) ?? String(v)])),
    used: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, fmt(v, hard[k])])),
  };
  ctx.api.mutate('ResourceQuota', q.metadata.namespace, q.metadata.name, (d) => {
    d.status = status;
  });
}

export const resourceQuotaPlugins: AdmissionPlugin[] = [
  {
    name: 'ResourceQuotaStatus',
    kinds: ['ResourceQuota'],
    // A quota's status shows its limits and what the namespace uses now.
    default(q, _old, ctx) {
      const hard: Record<string, unknown> = obj(q.spec?.hard) ? q.spec.hard : {};
      const used = q.metadata.namespace ? usedIn(ctx, q.metadata.namespace, hard) : {};
      q.status = {
        hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, canonicalQuantity(v) ?? String(v)])),
        used: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, fmt(v, hard[k])])),
      };
    },
  },
  { name: 'ResourceQuota', kinds: '*', admit: (o, old, ctx) => admitObject(o, old, ctx) },
];
