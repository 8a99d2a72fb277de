/**
 * The DaemonSet controller (pkg/controller/daemon): one pod on every eligible node.
 *
 * - A node is eligible when the pod's nodeSelector and required node affinity match it and the pod
 *   tolerates its NoSchedule and NoExecute taints; a pod stays on a node while it tolerates the
 *   NoExecute ones (a NoSchedule taint added later does not evict it).
 * - Pods are created with a required node affinity `matchFields metadata.name In [node]`, so the
 *   default scheduler binds them, and with the DaemonSet's automatic tolerations.
 * - Updates: RollingUpdate (maxUnavailable, rounded up, default 1; or maxSurge, rounded up, with
 *   maxUnavailable 0) or OnDelete; pods carry `controller-revision-hash`, and each template has a
 *   ControllerRevision as history.
 */
import type { EngineContext } from '../context';
import { Controller, type ReconcileResult } from './controller';
import { OWNER_UID_INDEX } from '../api/garbage-collector';
import { ApiError, type Change, type KObject, type NewObject } from '../api/types';
import { clone, deepEqual } from '../api/json';
import { matches, type Requirement } from '../api/selectors';
import { taintsOf, tolerated, type Toleration } from './node-lifecycle';

const HASH_LABEL = 'controller-revision-hash';
const GENERATION_LABEL = 'pod-template-generation';
const REVISION_HISTORY_LIMIT = 10;

/** The tolerations every daemon pod gets (util.AddOrUpdateDaemonPodTolerations). */
const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

type NodeSelectorRequirement = { key: string; operator: string; values?: string[] };
type NodeSelectorTerm = { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] };

const isReady = (p: KObject) => p.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');

export class DaemonSetController extends Controller {
  readonly name = 'daemonset-controller';

  start(): void {
    this.watchOwn('DaemonSet');
    this.watchOwned('Pod', 'DaemonSet');
    // Node added, removed, relabelled or retainted: every DaemonSet takes another look.
    this.ctx.store.watch('Node', (c: Change) => {
      if (c.type === 'MODIFIED') {
        const a = c.old;
        const b = c.object;
        if (deepEqual(a.metadata.labels, b.metadata.labels) && deepEqual(a.spec?.taints, b.spec?.taints) && !!a.metadata.deletionTimestamp === !!b.metadata.deletionTimestamp) return;
      }
      for (const ds of this.ctx.store.each('DaemonSet')) this.enqueue(ds);
    });
  }

  reconcile(key: string): ReconcileResult {
    const [ns, name] = key.split('/');
    const ds = this.ctx.store.get('DaemonSet', ns, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const uid = ds.metadata.uid;
    const template = ds.spec?.template ?? {};
    const hash = templateHash(template, ds.status?.collisionCount ?? 0);
    this.ensureRevision(ds, hash);
    const now = this.ctx.clock.now;
    const minReady = (ds.spec?.minReadySeconds ?? 0) * 1000;
    const available = (p: KObject) => {
      const c = isReady(p);
      return !p.metadata.deletionTimestamp && c?.status === 'True' && this.ctx.clock.parseIso(c.lastTransitionTime ?? this.ctx.clock.iso()) + minReady <= now;
    };
    let requeueAfter: number | undefined;
    const requeue = (ms: number) => {
      if (ms > 0 && (requeueAfter === undefined || ms < requeueAfter)) requeueAfter = ms;
    };

    // Pods by the node they are on, or are meant for.
    const byNode = new Map<string, KObject[]>();
    for (const p of this.ctx.store.byIndex(OWNER_UID_INDEX, uid)) {
      if (p.kind !== 'Pod' || !p.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller)) continue;
      const node = targetNode(p) ?? '';
      const list = byNode.get(node) ?? [];
      list.push(p);
      byNode.set(node, list);
    }

    const podTolerations = withDaemonTolerations(template.spec);
    const status = { desired: 0, current: 0, ready: 0, available: 0, updated: 0, misscheduled: 0 };
    const create: string[] = [];
    const toDelete: KObject[] = [];
    const oldOnNode = new Map<string, KObject>(); // for the rolling update
    const seenNodes = new Set<string>();
    for (const node of this.ctx.store.each('Node')) {
      const nodeName = node.metadata.name;
      seenNodes.add(nodeName);
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, template.spec ?? {}, podTolerations);
      const pods = byNode.get(nodeName) ?? [];
      if (shouldRun) status.desired++;
      if (shouldRun) {
        const running: KObject[] = [];
        for (const p of pods) {
          if (p.metadata.deletionTimestamp) continue;
          if (p.status?.phase === 'Failed') {
            this.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${nodeName}, will try to kill it`);
            toDelete.push(p);
            continue;
          }
          running.push(p);
        }
        if (!running.length) {
          create.push(nodeName);
          continue;
        }
        // More than one: keep the updated one (or the oldest), delete the rest — unless surging.
        running.sort((a, b) => podRank(b, hash) - podRank(a, hash) || (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1));
        const keep = running[0];
        const surging = running.length === 2 && running.some((p) => p.metadata.labels?.[HASH_LABEL] === hash) && running.some((p) => p.metadata.labels?.[HASH_LABEL] !== hash);
        if (surging) {
          const fresh = running.find((p) => p.metadata.labels?.[HASH_LABEL] === hash)!;
          const old = running.find((p) => p.metadata.labels?.[HASH_LABEL] !== hash)!;
          if (available(fresh)) toDelete.push(old);
          else oldOnNode.set(nodeName, old);
        } else for (const extra of running.slice(1)) toDelete.push(extra);
        // Status reads the oldest pod of the node, as updateDaemonSetStatus does, so a node keeps
        // counting as available while a surge pod starts beside its old one.
        const oldest = running.reduce((a, b) => (b.metadata.creationTimestamp < a.metadata.creationTimestamp ? b : a));
        status.current++;
        if (isReady(oldest)?.status === 'True') status.ready++;
        if (available(oldest)) status.available++;
        else if (isReady(oldest)?.status === 'True') {
          const c = isReady(oldest)!;
          requeue(this.ctx.clock.parseIso(c.lastTransitionTime) + minReady - now);
        }
        if (oldest.metadata.labels?.[HASH_LABEL] === hash) status.updated++;
        if (keep.metadata.labels?.[HASH_LABEL] !== hash && !surging) oldOnNode.set(nodeName, keep);
      } else {
        const live = pods.filter((p) => !p.metadata.deletionTimestamp);
        if (live.length) status.misscheduled++;
        if (!shouldContinueRunning) toDelete.push(...live);
      }
    }
    // Pods meant for nodes that no longer exist.
    for (const [nodeName, pods] of byNode) {
      if (!seenNodes.has(nodeName)) toDelete.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
    }

    // The update strategy decides which old pods go now.
    const strategy = ds.spec?.updateStrategy ?? {};
    if ((strategy.type ?? 'RollingUpdate') === 'RollingUpdate' && oldOnNode.size) {
      const maxSurge = scaled(strategy.rollingUpdate?.maxSurge ?? 0, status.desired);
      let maxUnavailable = scaled(strategy.rollingUpdate?.maxUnavailable ?? 1, status.desired);
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
      const unavailable = status.desired - status.available;
      if (maxSurge === 0) {
        let budget = maxUnavailable - unavailable;
        for (const old of oldOnNode.values()) {
          // Already unavailable: replacing it costs nothing.
          if (!available(old)) toDelete.push(old);
          else if (budget > 0) {
            toDelete.push(old);
            budget--;
          }
        }
      } else {
        let surging = [...byNode.values()].filter((pods) => pods.filter((p) => !p.metadata.deletionTimestamp).length > 1).length;
        for (const [nodeName, old] of oldOnNode) {
          const hasNew = (byNode.get(nodeName) ?? []).some((p) => !p.metadata.deletionTimestamp && p.metadata.labels?.[HASH_LABEL] === hash);
          if (hasNew) continue;
          if (!available(old)) toDelete.push(old);
          else if (surging < maxSurge) {
            create.push(nodeName);
            surging++;
          }
        }
        void maxUnavailable;
      }
    }

    const deleted = new Set<string>();
    for (const p of toDelete) {
      if (deleted.has(p.metadata.uid)) continue;
      deleted.add(p.metadata.uid);
      this.deletePod(ds, p);
    }
    for (const nodeName of create) this.createPod(ds, nodeName, hash, podTolerations);

    this.ctx.api.mutate('DaemonSet', ns, name, (d) => {
      const s = d.status ?? {};
      d.status = {
        ...s,
        currentNumberScheduled: status.current,
        desiredNumberScheduled: status.desired,
        numberMisscheduled: status.misscheduled,
        numberReady: status.ready,
        numberAvailable: status.available,
        updatedNumberScheduled: status.updated,
        observedGeneration: d.metadata.generation ?? 1,
      };
      if (!status.available) delete d.status.numberAvailable;
      if (!status.updated) delete d.status.updatedNumberScheduled;
      const unavailable = status.desired - status.available;
      if (unavailable > 0) d.status.numberUnavailable = unavailable;
      else delete d.status.numberUnavailable;
    });
    return requeueAfter !== undefined ? { requeueAfter } : undefined;
  }

  private createPod(ds: KObject, nodeName: string, hash: string, tolerations: Toleration[]): void {
    const template = clone(ds.spec?.template ?? {});
    const spec = template.spec ?? {};
    spec.tolerations = tolerations;
    spec.affinity = {
      ...(spec.affinity ?? {}),
      nodeAffinity: {
        ...(spec.affinity?.nodeAffinity ?? {}),
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
        },
      },
    };
    const pod: NewObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash, [GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec,
    };
    try {
      const created = this.ctx.api.create(pod);
      this.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.event(ds, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
    }
  }

  private deletePod(ds: KObject, pod: KObject): void {
    try {
      this.ctx.api.delete('Pod', pod.metadata.namespace, pod.metadata.name);
      this.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }

  /** A ControllerRevision per template, numbered in order, the newest `revisionHistoryLimit` kept. */
  private ensureRevision(ds: KObject, hash: string): void {
    const uid = ds.metadata.uid;
    const ns = ds.metadata.namespace;
    const revisions = this.ctx.store
      .byIndex(OWNER_UID_INDEX, uid)
      .filter((o) => o.kind === 'ControllerRevision')
      .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    const max = revisions.length ? revisions[revisions.length - 1].revision ?? 0 : 0;
    const current = revisions.find((r) => r.metadata.labels?.[HASH_LABEL] === hash);
    if (current) {
      if ((current.revision ?? 0) < max) {
        this.ctx.api.mutate('ControllerRevision', ns, current.metadata.name, (d) => {
          d.revision = max + 1;
        });
      }
    } else {
      try {
        this.ctx.api.create({
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: {
            name: `${ds.metadata.name}-${hash}`,
            namespace: ns,
            labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid, controller: true, blockOwnerDeletion: true }],
          },
          data: { spec: { template: clone(ds.spec?.template ?? {}) } },
          revision: max + 1,
        } as NewObject);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    }
    const limit = ds.spec?.revisionHistoryLimit ?? REVISION_HISTORY_LIMIT;
    const old = revisions.filter((r) => r.metadata.labels?.[HASH_LABEL] !== hash);
    for (const r of old.slice(0, Math.max(0, old.length - limit))) {
      try {
        this.ctx.api.delete('ControllerRevision', ns, r.metadata.name);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    }
  }
}

/** The node a daemon pod is bound to, or the one its node affinity names. */
export function targetNode(pod: KObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms: NodeSelectorTerm[] = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** The template's tolerations plus the DaemonSet ones it lacks. */
function withDaemonTolerations(spec: any): Toleration[] {
  const out: Toleration[] = [...(spec?.tolerations ?? [])];
  const wanted = [...DAEMON_TOLERATIONS, ...(spec?.hostNetwork ? [HOST_NETWORK_TOLERATION] : [])];
  for (const t of wanted) {
    if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  }
  return out;
}

/** Whether a daemon pod should be created on the node, and whether an existing one may stay. */
export function nodeShouldRunDaemonPod(node: KObject, podSpec: any, tolerations: Toleration[]): { shouldRun: boolean; shouldContinueRunning: boolean } {
  if (node.metadata.deletionTimestamp) return { shouldRun: false, shouldContinueRunning: false };
  if (podSpec.nodeName && podSpec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  const labels = node.metadata.labels ?? {};
  const selector: Record<string, string> = podSpec.nodeSelector ?? {};
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return { shouldRun: false, shouldContinueRunning: false };
  const terms: NodeSelectorTerm[] | undefined = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => termMatches(t, node))) return { shouldRun: false, shouldContinueRunning: false };
  let shouldRun = true;
  let shouldContinueRunning = true;
  for (const taint of taintsOf(node)) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerated(tolerations, taint)) continue;
    shouldRun = false;
    if (taint.effect === 'NoExecute') shouldContinueRunning = false;
  }
  return { shouldRun, shouldContinueRunning };
}

function termMatches(t: NodeSelectorTerm, node: KObject): boolean {
  if (!t.matchExpressions?.length && !t.matchFields?.length) return false; // an empty term matches nothing
  const reqs = (t.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator as Requirement['operator'], values: e.values ?? [] }));
  if (!matches({ requirements: reqs }, node.metadata.labels)) return false;
  const fields = (t.matchFields ?? []).map((e) => ({ key: e.key, operator: e.operator as Requirement['operator'], values: e.values ?? [] }));
  return matches({ requirements: fields.filter((f) => f.key === 'metadata.name') }, { 'metadata.name': node.metadata.name });
}

/** Updated before old, then ready before not. */
function podRank(p: KObject, hash: string): number {
  return (p.metadata.labels?.[HASH_LABEL] === hash ? 2 : 0) + (isReady(p)?.status === 'True' ? 1 : 0);
}

/** An int-or-percent of `total`, rounded up (maxUnavailable and maxSurge of a DaemonSet both round up). */
function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return Math.max(0, v);
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(0, n) : 0;
}

/** controller.ComputeHash: FNV-1a of the template (and collision count), encoded with the safe alphabet. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const text = stableJson(template) + (collisionCount ? String(collisionCount) : '');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return String(h)
    .split('')
    .map((d) => alphabet[d.charCodeAt(0) % alphabet.length])
    .join('');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export const daemonSetController = (ctx: EngineContext, onReady: () => void): Controller => new DaemonSetController(ctx, onReady);
