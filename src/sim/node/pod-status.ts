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
  // Built by assignment in the API's key order (no spreads: a status is built on every write).
  const terminated: Record<string, unknown> = { exitCode: t.exitCode, reason: t.reason };
  if (t.message) terminated.message = t.message;
  terminated.startedAt = t.startedAt;
  terminated.finishedAt = t.finishedAt;
  if (t.containerID) terminated.containerID = t.containerID;
  return { terminated };
}

export function containerStatus(c: ContainerState, imageID: (c: ContainerState) => string): Record<string, unknown> {
  let state: Record<string, unknown>;
  if ((c.step === 'running' || c.step === 'stopping') && c.startedAt) state = { running: { startedAt: c.startedAt } };
  else if (c.step === 'exited' && c.terminated) state = terminatedState(c.terminated);
  else if (c.waiting.message) state = { waiting: { reason: c.waiting.reason, message: c.waiting.message } };
  else state = waitingState(c.waiting.reason);
  const created = !!c.containerID && (c.step === 'running' || c.step === 'stopping' || c.step === 'exited' || c.restartCount > 0 || !!c.lastTerminated);
  const status: Record<string, unknown> = {
    name: c.name,
    state,
    lastState: c.lastTerminated ? terminatedState(c.lastTerminated) : NO_STATE,
    ready: c.ready,
    restartCount: c.restartCount,
    image: created && c.ref ? c.ref.full : c.specImage,
    imageID: created && c.ref ? imageID(c) : '',
  };
  if (created) status.containerID = c.containerID;
  status.started = c.step === 'running' || c.step === 'stopping' ? c.started : false;
  return status;
}

/**
 * The parts every pending container's status has: an empty lastState and `waiting` with a reason
 * alone (ContainerCreating, PodInitializing). Shared and frozen: a stored status is never edited.
 */
const NO_STATE: Record<string, unknown> = Object.freeze({});
const waitingStates = new Map<string, Record<string, unknown>>();

function waitingState(reason: string): Record<string, unknown> {
  let state = waitingStates.get(reason);
  if (!state) waitingStates.set(reason, (state = Object.freeze({ waiting: Object.freeze({ reason }) })));
  return state;
}

/** containerStatus, built again only when something it reads changed (see StatusMemo). */
function memoContainerStatus(c: ContainerState, imageID: (c: ContainerState) => string): Record<string, unknown> {
  const m = c.statusMemo;
  if (
    m &&
    m.step === c.step &&
    m.waiting === c.waiting &&
    m.startedAt === c.startedAt &&
    m.terminated === c.terminated &&
    m.lastTerminated === c.lastTerminated &&
    m.containerID === c.containerID &&
    m.restartCount === c.restartCount &&
    m.ready === c.ready &&
    m.started === c.started &&
    m.ref === c.ref &&
    m.specImage === c.specImage
  ) {
    return m.value;
  }
  const value = containerStatus(c, imageID);
  // The memo is this function's own: updated in place rather than made again for every new status.
  const next = m ?? ({} as StatusMemo);
  next.step = c.step;
  next.waiting = c.waiting;
  next.startedAt = c.startedAt;
  next.terminated = c.terminated;
  next.lastTerminated = c.lastTerminated;
  next.containerID = c.containerID;
  next.restartCount = c.restartCount;
  next.ready = c.ready;
  next.started = c.started;
  next.ref = c.ref;
  next.specImage = c.specImage;
  next.value = value;
  c.statusMemo = next;
  return value;
}

/**
 * The last status built for a container, with everything containerStatus read to build it: the
 * same inputs give the same status, so it is reused as it is (the `waiting`, `terminated` and `ref`
 * objects are replaced, never edited, the name never changes, and an image's ID is a function of
 * its reference alone).
 */
export type StatusMemo = {
  step: ContainerState['step'];
  waiting: ContainerState['waiting'];
  startedAt?: string;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  containerID?: string;
  restartCount: number;
  ready: boolean;
  started: boolean;
  ref?: ContainerState['ref'];
  specImage: string;
  value: Record<string, unknown>;
};

/** Whether an init container is done (exited 0). */
function initDone(c: ContainerState): boolean {
  return c.step === 'exited' && c.terminated?.exitCode === 0;
}

/** kubelet's getPhase. */
export function podPhase(w: PodWorker): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  const policy = w.restartPolicy;
  for (const c of w.containers) {
    if (!c.init || initDone(c)) continue;
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

/** `a b`: the names of the init containers not done (init) or of the app containers not ready. */
function pendingNames(w: PodWorker, init: boolean): string {
  let out = '';
  for (const c of w.containers) {
    if (c.init !== init || (init ? initDone(c) : c.ready)) continue;
    out = out ? `${out} ${c.name}` : c.name;
  }
  return out;
}

/**
 * The condition messages naming pending containers, `… status: [a b]`, remembered per list of
 * names (all the message is made of): every pod of a workload repeats the same few while it
 * starts, on every status write. Bounded: forgotten wholesale past MAX_MESSAGES lists.
 */
const unreadyMessages = new Map<string, string>();
const incompleteMessages = new Map<string, string>();
const MAX_MESSAGES = 1000;

function pendingMessage(w: PodWorker, init: boolean): string {
  const names = pendingNames(w, init);
  const cache = init ? incompleteMessages : unreadyMessages;
  let text = cache.get(names);
  if (text === undefined) {
    if (cache.size >= MAX_MESSAGES) cache.clear();
    cache.set(names, (text = `containers with ${init ? 'incomplete' : 'unready'} status: [${names}]`));
  }
  return text;
}


/** The keys of a condition, in the order the kubelet writes them (reason and message only when set). */
const CONDITION_KEYS = ['type', 'status', 'reason', 'message', 'lastProbeTime', 'lastTransitionTime'];

/**
 * A condition as the kubelet writes it: lastTransitionTime moves only when the status does. The
 * stored condition itself when it reads exactly the same (key order included), so an unchanged
 * condition is the same object before and after a write.
 */
function condition(prev: Condition | undefined, type: string, ok: boolean, nowIso: string, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  if (prev && prev.status === status && prev.lastProbeTime === null && (!reason || prev.reason === reason) && (!message || prev.message === message)) {
    // Same values: the same object when its keys are exactly those a new one would have, in order.
    let i = 0;
    let same = true;
    for (const k in prev) {
      if (i === 2 && !reason) i++;
      if (i === 3 && !message) i++;
      if (k !== CONDITION_KEYS[i++]) {
        same = false;
        break;
      }
    }
    if (same && i === CONDITION_KEYS.length) return prev;
  }
  const next: Condition = { type, status } as Condition;
  if (reason) next.reason = reason;
  if (message) next.message = message;
  next.lastProbeTime = null;
  next.lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : nowIso;
  return next;
}

export function buildPodStatus(w: PodWorker, pod: KObject, nowIso: string, nodeIP: string, imageID: (c: ContainerState) => string): Record<string, any> {
  const prev = pod.status;
  const old: Condition[] = prev?.conditions ?? [];
  const phase = podPhase(w);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  let inits = 0;
  let initPending = 0;
  let unready = 0;
  for (const c of w.containers) {
    if (c.init) {
      inits++;
      if (!initDone(c)) initPending++;
    } else if (!c.ready) unready++;
  }
  const unreadyMessage = !completed && unready ? pendingMessage(w, false) : undefined;
  // One pass over the stored conditions: the first of each type the kubelet writes, and the others
  // (readiness gates, DisruptionTarget), kept once per type in their order.
  let sandbox: Condition | undefined;
  let initialized: Condition | undefined;
  let ready: Condition | undefined;
  let containersReady: Condition | undefined;
  let scheduled: Condition | undefined;
  let others: Condition[] | undefined;
  for (const c of old) {
    switch (c.type) {
      case 'PodReadyToStartContainers':
        sandbox ??= c;
        break;
      case 'Initialized':
        initialized ??= c;
        break;
      case 'Ready':
        ready ??= c;
        break;
      case 'ContainersReady':
        containersReady ??= c;
        break;
      case 'PodScheduled':
        scheduled ??= c;
        break;
      default:
        if (!others?.some((o) => o.type === c.type)) (others ??= []).push(c);
    }
  }
  const conditions: Condition[] = [
    condition(sandbox, 'PodReadyToStartContainers', w.sandboxReady, nowIso),
    initPending
      ? condition(initialized, 'Initialized', false, nowIso, 'ContainersNotInitialized', pendingMessage(w, true))
      : condition(initialized, 'Initialized', true, nowIso, completed ? 'PodCompleted' : undefined),
    completed
      ? condition(ready, 'Ready', false, nowIso, 'PodCompleted')
      : unready
        ? condition(ready, 'Ready', false, nowIso, 'ContainersNotReady', unreadyMessage)
        : condition(ready, 'Ready', true, nowIso),
    completed
      ? condition(containersReady, 'ContainersReady', false, nowIso, 'PodCompleted')
      : unready
        ? condition(containersReady, 'ContainersReady', false, nowIso, 'ContainersNotReady', unreadyMessage)
        : condition(containersReady, 'ContainersReady', true, nowIso),
    // PodScheduled belongs to the scheduler; a pod bound by hand (static pods) gets it from the kubelet.
    scheduled ?? condition(undefined, 'PodScheduled', true, nowIso),
  ];
  if (others) for (const c of others) conditions.push(c);
  const podIP = w.podIP;
  const status: Record<string, any> = { phase, conditions: reuse(prev?.conditions, conditions), hostIP: nodeIP, hostIPs: reuseIPs(prev?.hostIPs, nodeIP) };
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = reuseIPs(prev?.podIPs, podIP);
  }
  status.startTime = w.startTime;
  if (inits) status.initContainerStatuses = containerStatuses(w, true, prev?.initContainerStatuses, imageID);
  status.containerStatuses = containerStatuses(w, false, prev?.containerStatuses, imageID);
  status.qosClass = prev?.qosClass ?? qosClass(pod.spec);
  if (pod.status?.nominatedNodeName) status.nominatedNodeName = pod.status.nominatedNodeName;
  return status;
}

/** The statuses of the init (or app) containers, the stored list itself when none changed. */
function containerStatuses(w: PodWorker, init: boolean, stored: unknown, imageID: (c: ContainerState) => string): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [];
  for (const c of w.containers) if (c.init === init) list.push(memoContainerStatus(c, imageID));
  const out = reuse(stored, list);
  // An equal stored entry (a copy another writer made) is what the next comparison meets: keep it.
  let i = 0;
  for (const c of w.containers) if (c.init === init) c.statusMemo!.value = out[i++];
  return out;
}

/** `[{ ip }]`, the stored list itself when it says exactly that. */
function reuseIPs(stored: unknown, ip: string): { ip: string }[] {
  if (Array.isArray(stored) && stored.length === 1) {
    const e = stored[0];
    if (e && typeof e === 'object' && e.ip === ip && Object.keys(e).length === 1) return stored as { ip: string }[];
  }
  return [{ ip }];
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
