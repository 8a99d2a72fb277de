/**
 * The pod status the kubelet reports (kubelet_pods.go generateAPIPodStatus): the phase from the
 * containers' states, the conditions in the order the API shows them with lastTransitionTime kept
 * while a condition holds, container statuses with state/lastState, the pod's IPs and QoS class.
 */
import type { KObject } from '../api/types';
import type { ContainerState, PodWorker, Terminated } from './pod-worker';
import { qosClass } from './qos';

type Condition = { type: string; status: 'True' | 'False'; reason?: string; message?: string; lastProbeTime: null; lastTransitionTime: string };

function terminatedState(t: Terminated): Record<string, unknown> {
  return {
    terminated: {
      exitCode: t.exitCode,
      reason: t.reason,
      ...(t.message ? { message: t.message } : {}),
      startedAt: t.startedAt,
      finishedAt: t.finishedAt,
      ...(t.containerID ? { containerID: t.containerID } : {}),
    },
  };
}

export function containerStatus(c: ContainerState, imageID: (c: ContainerState) => string): Record<string, unknown> {
  let state: Record<string, unknown>;
  if ((c.step === 'running' || c.step === 'stopping') && c.startedAt) state = { running: { startedAt: c.startedAt } };
  else if (c.step === 'exited' && c.terminated) state = terminatedState(c.terminated);
  else state = { waiting: { reason: c.waiting.reason, ...(c.waiting.message ? { message: c.waiting.message } : {}) } };
  const created = !!c.containerID && (c.step === 'running' || c.step === 'stopping' || c.step === 'exited' || c.restartCount > 0 || !!c.lastTerminated);
  return {
    name: c.name,
    state,
    lastState: c.lastTerminated ? terminatedState(c.lastTerminated) : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: created && c.ref ? c.ref.full : c.specImage,
    imageID: created && c.ref ? imageID(c) : '',
    ...(created ? { containerID: c.containerID } : {}),
    started: c.step === 'running' || c.step === 'stopping' ? c.started : false,
  };
}

/** kubelet's getPhase. */
export function podPhase(w: PodWorker): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const inits = w.containers.filter((c) => c.init);
  const policy = w.restartPolicy;
  for (const c of inits) {
    if (c.step === 'exited' && c.terminated?.exitCode === 0) continue;
    if (c.step === 'exited' && policy === 'Never') return 'Failed';
    return 'Pending';
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of w.containers) {
    if (c.init) continue;
    if (c.step === 'running' || c.step === 'stopping') running++;
    else if (c.step === 'exited') {
      stopped++;
      if (c.terminated?.exitCode === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function names(list: ContainerState[]): string {
  return `[${list.map((c) => c.name).join(' ')}]`;
}

export function buildPodStatus(w: PodWorker, pod: KObject, nowIso: string, nodeIP: string, imageID: (c: ContainerState) => string): Record<string, any> {
  const old: Condition[] = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string, message?: string): Condition => {
    const prev = old.find((c) => c.type === type);
    const status = ok ? 'True' : 'False';
    const next: Condition = { type, status } as Condition;
    if (reason) next.reason = reason;
    if (message) next.message = message;
    next.lastProbeTime = null;
    next.lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : nowIso;
    // Unchanged: the stored object itself (see `same`).
    return prev && same(prev, next) ? prev : next;
  };
  const phase = podPhase(w);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const inits = w.containers.filter((c) => c.init);
  const mains = w.containers.filter((c) => !c.init);
  const initPending = inits.filter((c) => !(c.step === 'exited' && c.terminated?.exitCode === 0));
  const unready = mains.filter((c) => !c.ready);
  const conditions: Condition[] = [
    cond('PodReadyToStartContainers', w.sandboxReady),
    initPending.length
      ? cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: ${names(initPending)}`)
      : cond('Initialized', true, completed ? 'PodCompleted' : undefined),
    completed
      ? cond('Ready', false, 'PodCompleted')
      : unready.length
        ? cond('Ready', false, 'ContainersNotReady', `containers with unready status: ${names(unready)}`)
        : cond('Ready', true),
    completed
      ? cond('ContainersReady', false, 'PodCompleted')
      : unready.length
        ? cond('ContainersReady', false, 'ContainersNotReady', `containers with unready status: ${names(unready)}`)
        : cond('ContainersReady', true),
  ];
  // PodScheduled belongs to the scheduler; a pod bound by hand (static pods) gets it from the kubelet.
  const scheduled = old.find((c) => c.type === 'PodScheduled');
  conditions.push(scheduled ? (scheduled as Condition) : cond('PodScheduled', true));
  for (const c of old) if (!conditions.some((x) => x.type === c.type)) conditions.push(c);
  const podIP = w.podIP;
  const prev = pod.status;
  const status: Record<string, any> = { phase, conditions: reuse(prev?.conditions, conditions), hostIP: nodeIP, hostIPs: reuse(prev?.hostIPs, [{ ip: nodeIP }]) };
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = reuse(prev?.podIPs, [{ ip: podIP }]);
  }
  status.startTime = w.startTime;
  if (inits.length) status.initContainerStatuses = reuse(prev?.initContainerStatuses, inits.map((c) => containerStatus(c, imageID)));
  status.containerStatuses = reuse(prev?.containerStatuses, mains.map((c) => containerStatus(c, imageID)));
  status.qosClass = prev?.qosClass ?? qosClass(pod.spec);
  if (pod.status?.nominatedNodeName) status.nominatedNodeName = pod.status.nominatedNodeName;
  return status;
}

/*
 * A write that changes one thing keeps every other part of the stored status by reference: the
 * store compares and keeps less, and an unchanged condition or container status is the same object
 * before and after. Reused only when identical as JSON, keys in the same order, so what is stored
 * reads exactly as a freshly built status would.
 */

/** Key lists by nesting depth, reused (the comparison runs on every status write). */
const keyScratch: string[][] = [];

/** Identical plain JSON, key order included. */
function same(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = (keyScratch[depth] ??= []);
  let n = 0;
  for (const k in a) keys[n++] = k;
  let i = 0;
  for (const k in b) if (i >= n || keys[i++] !== k) return false;
  if (i !== n) return false;
  for (let j = 0; j < n; j++) if (!same((a as Record<string, unknown>)[keys[j]], (b as Record<string, unknown>)[keys[j]], depth + 1)) return false;
  return true;
}

/** `next`, with each entry identical to the stored one at its place replaced by it; the stored list itself when all are. */
function reuse<T>(stored: unknown, next: T[]): T[] {
  if (!Array.isArray(stored)) return next;
  let all = stored.length === next.length;
  for (let i = 0; i < next.length; i++) {
    if (i < stored.length && same(stored[i], next[i])) next[i] = stored[i];
    else all = false;
  }
  return all ? (stored as T[]) : next;
}
