/**
 * The scheduler's cache: one NodeInfo per node (requested resources, pod count, host ports, images,
 * the pods on it), kept incrementally from the Node and Pod watches, as kube-scheduler's cache and
 * snapshot are. A decision never lists all pods: plugins read NodeInfos, and counts of pods matching
 * a selector come from counters kept up to date by the same watches (SelectorCounter).
 */
import type { KObject } from '../api/types';
import { matches, sameLabels, type Selector } from '../api/selectors';
import { deepEqual as jsonEqual } from '../api/json';
import { buildPodInfo, milliOf, normalizeImage, podHasAffinity, unitsOf } from './pod-info';
import { emptyResources, type NodeInfoView, type PodInfo, type Resources, type Taint } from './types';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** A node's value for a topology key (kept fields for the well-known keys). */
export function topologyValue(node: NodeInfoView, key: string): string | undefined {
  return key === LABEL_HOSTNAME ? node.hostname : key === LABEL_ZONE ? node.zone : node.labels[key];
}

export class NodeInfo implements NodeInfoView {
  /**
   * Moves on every change a plugin can see (the Node replaced, a pod added or removed): answers
   * computed for this node at one generation hold for as long as it has not moved (equivalence.ts).
   * Declared first so that it sits next to `id` in the object: the framework reads the two for
   * each of hundreds of nodes per pod, and one cache line is fetched instead of two.
   */
  generation = 0;
  node: KObject;
  labels: Record<string, string> = {};
  hostname: string | undefined;
  zone: string | undefined;
  taints: Taint[] = [];
  allocatable: Resources = emptyResources();
  allowedPods = 0;
  requested: Resources = emptyResources();
  nonZeroCPU = 0;
  nonZeroMemory = 0;
  readonly pods = new Map<string, PodInfo>();
  readonly usedPorts = new Map<string, Map<string, number>>();
  images = new Map<string, number>();
  /** Pods on this node with any (anti-)affinity term, and with required anti-affinity. */
  readonly podsWithAffinity = new Map<string, PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Map<string, PodInfo>();

  constructor(
    readonly name: string,
    node: KObject,
    /** Small and unique within the scheduler's cache (an index for per-node arrays); -1 for what-if copies. */
    readonly id = -1,
  ) {
    this.node = node;
    this.setNode(node);
  }

  get podCount(): number {
    return this.pods.size;
  }

  setNode(node: KObject): void {
    this.generation++;
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.hostname = this.labels[LABEL_HOSTNAME];
    this.zone = this.labels[LABEL_ZONE];
    this.taints = Array.isArray(node.spec?.taints) ? node.spec.taints : [];
    const alloc = node.status?.allocatable ?? {};
    const r = emptyResources();
    for (const [k, q] of Object.entries(alloc)) {
      if (k === 'cpu') r.milliCPU = milliOf(q);
      else if (k === 'memory') r.memory = unitsOf(q);
      else if (k === 'ephemeral-storage') r.ephemeralStorage = unitsOf(q);
      else if (k !== 'pods') r.scalar.set(k, unitsOf(q));
    }
    this.allocatable = r;
    this.allowedPods = unitsOf(alloc.pods);
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) {
      for (const n of img?.names ?? []) images.set(normalizeImage(String(n)), Number(img.sizeBytes) || 0);
    }
    this.images = images;
  }

  addPod(p: PodInfo): void {
    this.generation++;
    this.pods.set(p.uid, p);
    this.adjust(p, 1);
    if (podHasAffinity(p)) this.podsWithAffinity.set(p.uid, p);
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.set(p.uid, p);
  }

  removePod(uid: string): PodInfo | undefined {
    const p = this.pods.get(uid);
    if (!p) return undefined;
    this.generation++;
    this.pods.delete(uid);
    this.adjust(p, -1);
    this.podsWithAffinity.delete(uid);
    this.podsWithRequiredAntiAffinity.delete(uid);
    return p;
  }

  private adjust(p: PodInfo, sign: 1 | -1): void {
    const r = this.requested;
    r.milliCPU += sign * p.requests.milliCPU;
    r.memory += sign * p.requests.memory;
    r.ephemeralStorage += sign * p.requests.ephemeralStorage;
    for (const [k, v] of p.requests.scalar) r.scalar.set(k, (r.scalar.get(k) ?? 0) + sign * v);
    this.nonZeroCPU += sign * p.nonZeroCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const key = `${hp.protocol}/${hp.port}`;
      let ips = this.usedPorts.get(key);
      if (!ips) this.usedPorts.set(key, (ips = new Map()));
      const n = (ips.get(hp.ip) ?? 0) + sign;
      if (n > 0) ips.set(hp.ip, n);
      else ips.delete(hp.ip);
      if (!ips.size) this.usedPorts.delete(key);
    }
  }

  /** A copy with some pods taken away (preemption's "what if these victims were gone"). */
  without(uids: Iterable<string>): NodeInfo {
    const copy = new NodeInfo(this.name, this.node);
    const drop = new Set(uids);
    for (const p of this.pods.values()) if (!drop.has(p.uid)) copy.addPod(p);
    return copy;
  }
}

/** Pods that count for the scheduler: bound to a node and not finished (its informer's field selector). */
export function isAssigned(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return !!pod.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * Per-node counts of assigned pods matching a selector in a set of namespaces, kept incrementally.
 * Topology spread and inter-pod affinity ask "how many matching pods per domain" for every pod they
 * schedule; counting once per change instead of once per decision keeps that O(changes).
 */
export class SelectorCounter {
  readonly perNode = new Map<string, number>();
  /**
   * The same counts by NodeInfo id, for the nodes the cache knows (scoring reads one per node per
   * pod: an array read instead of a lookup by name). The cache keeps it equal to `perNode` for
   * every known node: pods counted before their node was known are copied in when it arrives.
   */
  byId = new Int32Array(0);
  total = 0;
  lastUsed = 0;

  constructor(
    readonly selector: Selector,
    readonly namespaces: Set<string> | undefined,
    readonly skipTerminating: boolean,
  ) {}

  matches(p: PodInfo): boolean {
    if (this.namespaces && !this.namespaces.has(p.namespace)) return false;
    if (this.skipTerminating && p.pod.metadata.deletionTimestamp) return false;
    return matches(this.selector, p.labels);
  }

  /** Count `sign` more pods on `node`, whose NodeInfo id is `id` (-1: a node the cache does not know). */
  add(node: string, sign: number, id: number): void {
    const n = (this.perNode.get(node) ?? 0) + sign;
    if (n > 0) this.perNode.set(node, n);
    else this.perNode.delete(node);
    this.total += sign;
    if (id >= 0) this.setId(id, n > 0 ? n : 0);
  }

  setId(id: number, n: number): void {
    if (id >= this.byId.length) {
      if (!n) return;
      const grown = new Int32Array(Math.max(id + 1, this.byId.length * 2, 64));
      grown.set(this.byId);
      this.byId = grown;
    }
    this.byId[id] = n;
  }
}

const MAX_COUNTERS = 128;

export class SchedulerCache {
  readonly nodes = new Map<string, NodeInfo>();
  private list: NodeInfo[] = [];
  private listDirty = true;
  /**
   * uid → node name and PodInfo (the one in that NodeInfo's pods, or in orphans), for assigned
   * pods: one lookup for each of the kubelet's status writes.
   */
  private readonly assigned = new Map<string, { node: string; info: PodInfo }>();
  /** Assigned pods with affinity terms / required anti-affinity, cluster-wide. */
  readonly podsWithAffinity = new Map<string, PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Map<string, PodInfo>();
  /** Pods bound to a node the cache does not know (yet). */
  private readonly orphans = new Map<string, Map<string, PodInfo>>();
  /** How many nodes have each image (ImageLocality's spread factor). */
  readonly imageNodes = new Map<string, number>();
  private readonly counters = new Map<string, SelectorCounter>();
  private useTick = 0;
  private nextNodeId = 0;

  /** Nodes in name order. */
  nodeList(): NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.listDirty = false;
    }
    return this.list;
  }

  podInfoOf(uid: string): PodInfo | undefined {
    return this.assigned.get(uid)?.info;
  }

  nodeOfPod(uid: string): string | undefined {
    return this.assigned.get(uid)?.node;
  }

  // ---- node events ----

  upsertNode(node: KObject): void {
    const name = node.metadata.name;
    const existing = this.nodes.get(name);
    if (existing) {
      this.countImages(existing, -1);
      existing.setNode(node);
      this.countImages(existing, 1);
      return;
    }
    const info = new NodeInfo(name, node, this.nextNodeId++);
    this.nodes.set(name, info);
    this.countImages(info, 1);
    this.listDirty = true;
    const waiting = this.orphans.get(name);
    if (waiting) {
      this.orphans.delete(name);
      for (const p of waiting.values()) info.addPod(p);
      // Counted by name while the node was unknown: now by id too.
      for (const c of this.counters.values()) c.setId(info.id, c.perNode.get(name) ?? 0);
    }
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.countImages(info, -1);
    this.nodes.delete(name);
    this.listDirty = true;
    // Its pods stay accounted for until they are deleted (the node may come back).
    if (info.pods.size) this.orphans.set(name, new Map(info.pods));
  }

  private countImages(info: NodeInfo, sign: number): void {
    for (const name of info.images.keys()) {
      const n = (this.imageNodes.get(name) ?? 0) + sign;
      if (n > 0) this.imageNodes.set(name, n);
      else this.imageNodes.delete(name);
    }
  }

  // ---- pod events ----

  /** Bring the cache in line with a pod's current state (undefined = deleted). */
  updatePod(uid: string, pod: KObject | undefined, old: KObject | undefined): void {
    const entry = this.assigned.get(uid);
    const wasNode = entry?.node;
    const nowNode = pod && isAssigned(pod) ? (pod.spec.nodeName as string) : undefined;
    if (!wasNode && !nowNode) return;
    const prev = entry?.info;
    if (wasNode && nowNode === wasNode && prev && pod && old && sameForScheduling(old, pod)) {
      // Status-only change (the kubelet's updates): keep the computed info, refresh the object.
      const terminatingChanged = !!old.metadata.deletionTimestamp !== !!pod.metadata.deletionTimestamp;
      if (terminatingChanged) this.countersAdjust(prev, wasNode, -1);
      prev.pod = pod;
      if (terminatingChanged) this.countersAdjust(prev, wasNode, 1);
      return;
    }
    if (wasNode && prev) this.detach(prev, wasNode);
    if (nowNode && pod) {
      // The scheduler hands over the info it just computed for the pod it binds.
      const hint = this.assumed;
      this.assumed = undefined;
      let info: PodInfo;
      if (hint && hint.uid === uid && sameForScheduling(hint.pod, pod, true)) {
        info = hint;
        info.pod = pod;
      } else info = buildPodInfo(pod);
      this.attach(info, nowNode);
    }
  }

  /** The PodInfo of the pod about to be bound (saves recomputing it when the binding is seen). */
  assumed: PodInfo | undefined;

  private attach(p: PodInfo, node: string): void {
    this.assigned.set(p.uid, { node, info: p });
    const info = this.nodes.get(node);
    if (info) info.addPod(p);
    else {
      let m = this.orphans.get(node);
      if (!m) this.orphans.set(node, (m = new Map()));
      m.set(p.uid, p);
    }
    if (podHasAffinity(p)) this.podsWithAffinity.set(p.uid, p);
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.set(p.uid, p);
    this.countersAdjust(p, node, 1);
  }

  private detach(p: PodInfo, node: string): void {
    this.assigned.delete(p.uid);
    const info = this.nodes.get(node);
    if (info) info.removePod(p.uid);
    else {
      const m = this.orphans.get(node);
      m?.delete(p.uid);
      if (m && !m.size) this.orphans.delete(node);
    }
    this.podsWithAffinity.delete(p.uid);
    this.podsWithRequiredAntiAffinity.delete(p.uid);
    this.countersAdjust(p, node, -1);
  }

  private countersAdjust(p: PodInfo, node: string, sign: number): void {
    if (!this.counters.size) return;
    const id = this.nodes.get(node)?.id ?? -1;
    for (const c of this.counters.values()) if (c.matches(p)) c.add(node, sign, id);
  }

  // ---- selector counters ----

  /** Per-node counts of assigned pods matching `selector` in `namespaces` (undefined = all). */
  counter(selector: Selector, namespaces: Set<string> | undefined, skipTerminating: boolean): SelectorCounter {
    return this.counterByKey(JSON.stringify([selector, namespaces ? [...namespaces].sort() : null, skipTerminating]), selector, namespaces, skipTerminating);
  }

  /**
   * The same for one namespace. A plugin asks with the same selector object for pod after pod
   * (PodTopologySpread's memo): the key is kept per selector object (never modified once built).
   */
  counterIn(selector: Selector, namespace: string, skipTerminating: boolean): SelectorCounter {
    let memo = this.keyOf.get(selector);
    if (!memo || memo.namespace !== namespace || memo.skipTerminating !== skipTerminating) {
      memo = { namespace, skipTerminating, key: JSON.stringify([selector, [namespace], skipTerminating]) };
      this.keyOf.set(selector, memo);
    }
    const c = this.counters.get(memo.key);
    if (c) {
      c.lastUsed = ++this.useTick;
      return c;
    }
    return this.counterByKey(memo.key, selector, new Set([namespace]), skipTerminating);
  }

  private readonly keyOf = new WeakMap<Selector, { namespace: string; skipTerminating: boolean; key: string }>();

  private counterByKey(key: string, selector: Selector, namespaces: Set<string> | undefined, skipTerminating: boolean): SelectorCounter {
    let c = this.counters.get(key);
    if (!c) {
      if (this.counters.size >= MAX_COUNTERS) this.evictCounter();
      c = new SelectorCounter(selector, namespaces, skipTerminating);
      for (const info of this.nodes.values()) for (const p of info.pods.values()) if (c.matches(p)) c.add(info.name, 1, info.id);
      for (const [node, m] of this.orphans) for (const p of m.values()) if (c.matches(p)) c.add(node, 1, -1);
      this.counters.set(key, c);
    }
    c.lastUsed = ++this.useTick;
    return c;
  }

  private evictCounter(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [k, c] of this.counters) {
      if (c.lastUsed >= at) continue;
      at = c.lastUsed;
      oldest = k;
    }
    if (oldest) this.counters.delete(oldest);
  }
}

/** Whether two versions of a pod are the same as far as placement goes (labels, spec, terminating). */
function sameForScheduling(a: KObject, b: KObject, ignoreNodeName = false): boolean {
  if (a.spec === b.spec && a.metadata.labels === b.metadata.labels) return true;
  if (!sameLabels(a.metadata.labels, b.metadata.labels)) return false;
  if (ignoreNodeName) return a.spec?.containers === b.spec?.containers || (jsonEqual(a.spec?.containers, b.spec?.containers) && jsonEqual(a.spec?.initContainers, b.spec?.initContainers) && jsonEqual(a.spec?.overhead, b.spec?.overhead) && jsonEqual(a.spec?.affinity, b.spec?.affinity));
  return jsonEqual(a.spec, b.spec);
}

