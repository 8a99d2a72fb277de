/**
 * The Job controller (pkg/controller/job), as of Kubernetes 1.30/1.31:
 * - runs `parallelism` pods at a time until `completions` succeed (NonIndexed), or until every index
 *   in [0, completions) has a succeeded pod (Indexed, `batch.kubernetes.io/job-completion-index`);
 * - counts finished pods through the `batch.kubernetes.io/job-tracking` finalizer: a finished pod is
 *   first listed in status.uncountedTerminatedPods, its finalizer removed, then it moves into
 *   status.succeeded / status.failed, so a pod deleted afterwards is never counted twice or lost;
 * - fails the Job past `backoffLimit` failures (`BackoffLimitExceeded`) or `activeDeadlineSeconds`
 *   (`DeadlineExceeded`), first with the interim FailureTarget condition, then Failed once no pod
 *   is left running; success is SuccessCriteriaMet then Complete, the same way;
 * - waits between retries with a back-off of 10 s doubling up to 6 minutes;
 * - suspend deletes the active pods and stops the clock; resume restarts it;
 * - ttlSecondsAfterFinished deletes the finished Job (the TTL-after-finished controller's job).
 */
import type { EngineContext } from '../context';
import { Controller, type ReconcileResult } from './controller';
import { OWNER_UID_INDEX } from '../api/garbage-collector';
import { ApiError, type KObject, type NewObject } from '../api/types';
import { clone } from '../api/json';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
const ORPHAN_KEY = 'orphan-pod:';
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/** Pod failure back-off: 10 s, doubling, at most 6 minutes (DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff). */
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;

type Condition = { type: string; status: string; reason?: string; message?: string; lastProbeTime?: string; lastTransitionTime?: string };
type BackoffRecord = { failuresAfterLastSuccess: number; lastFailureTime: number };
type Finish = { type: 'Complete' | 'Failed'; reason: string; message: string };

const isTerminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isActive = (p: KObject) => !isTerminal(p) && !p.metadata.deletionTimestamp;
const isReady = (p: KObject) => !!p.status?.conditions?.some((c: Condition) => c.type === 'Ready' && c.status === 'True');

export function conditionTrue(job: KObject, type: string): Condition | undefined {
  return job.status?.conditions?.find((c: Condition) => c.type === type && c.status === 'True');
}

export function jobFinished(job: KObject): Condition | undefined {
  return conditionTrue(job, 'Complete') ?? conditionTrue(job, 'Failed');
}

/** The completion index of a pod of an Indexed job, or undefined. */
export function completionIndexOf(pod: KObject): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** `0-2,4,6-7`: the completedIndexes format. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(s: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    for (let i = a; i <= b; i++) out.add(i);
  }
  return out;
}

export class JobController extends Controller {
  readonly name = 'job-controller';
  private readonly backoff = new Map<string, BackoffRecord>();
  /** Pods that carried our finalizer but were removed before we counted them (uid → succeeded?). */
  private readonly lost = new Map<string, Map<string, boolean>>();

  start(): void {
    this.watchOwn('Job');
    this.watchOwned('Pod', 'Job');
    this.ctx.store.watch('Pod', (c) => {
      if (c.type !== 'DELETED' || !c.object.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return;
      const ref = c.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
      if (!ref) return;
      const m = this.lost.get(ref.uid) ?? new Map<string, boolean>();
      m.set(c.object.metadata.uid, c.object.status?.phase === 'Succeeded');
      this.lost.set(ref.uid, m);
    });
    // A pod whose Job is gone still carries our finalizer: release it (handleOrphanPod).
    this.ctx.store.watch('Pod', (c) => {
      const p = c.object;
      if (c.type === 'DELETED' || !p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return;
      const ref = p.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
      if (!ref || !this.ctx.store.getByUid(ref.uid)) this.queue.add(`${ORPHAN_KEY}${p.metadata.namespace}/${p.metadata.name}`);
    });
  }

  reconcile(key: string): ReconcileResult {
    if (key.startsWith(ORPHAN_KEY)) {
      const [pns, pname] = key.slice(ORPHAN_KEY.length).split('/');
      const pod = this.ctx.store.get('Pod', pns, pname);
      const ref = pod?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
      if (pod && (!ref || !this.ctx.store.getByUid(ref.uid))) this.removeFinalizer(pod);
      return;
    }
    const [ns, name] = key.split('/');
    let job = this.ctx.store.get('Job', ns, name);
    if (!job) {
      this.backoff.delete(key);
      return;
    }
    if (job.metadata.deletionTimestamp) {
      // Being deleted (the garbage collector removes the pods): nothing is counted any more.
      for (const p of this.ownedPods(job)) this.removeFinalizer(p);
      return;
    }
    job = this.ensureSelector(job);
    const uid = job.metadata.uid;
    const pods = this.ctx.store
      .byIndex(OWNER_UID_INDEX, uid)
      .filter((o) => o.kind === 'Pod' && o.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller));
    const spec = job.spec ?? {};
    const status = clone(job.status ?? {});
    const now = this.ctx.clock.now;
    const indexed = spec.completionMode === 'Indexed';
    const completions: number | undefined = spec.completions ?? undefined;
    const parallelism: number = spec.parallelism ?? 1;
    const backoffLimit: number = spec.backoffLimit ?? 6;
    const conditions: Condition[] = status.conditions ?? [];
    const result: { requeueAfter?: number } = {};
    const requeue = (ms: number) => {
      if (ms > 0 && (result.requeueAfter === undefined || ms < result.requeueAfter)) result.requeueAfter = ms;
    };

    // 1. Count the pods that finished since the last look (two-phase, through uncountedTerminatedPods).
    const completed = parseIndexes(status.completedIndexes);
    const toCount = pods.filter((p) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && (isTerminal(p) || p.metadata.deletionTimestamp));
    let newSucceeded = 0;
    let newFailed = 0;
    const record = this.backoff.get(key) ?? { failuresAfterLastSuccess: 0, lastFailureTime: 0 };
    for (const p of toCount) {
      const ok = p.status?.phase === 'Succeeded';
      if (ok) {
        const idx = completionIndexOf(p);
        if (indexed) {
          if (idx !== undefined && (completions === undefined || idx < completions) && !completed.has(idx)) completed.add(idx);
        } else newSucceeded++;
        record.failuresAfterLastSuccess = 0;
      } else {
        newFailed++;
        record.failuresAfterLastSuccess++;
        record.lastFailureTime = now;
      }
    }
    for (const [, ok] of this.lost.get(uid) ?? []) {
      if (ok) {
        if (!indexed) newSucceeded++;
      } else {
        newFailed++;
        record.failuresAfterLastSuccess++;
        record.lastFailureTime = now;
      }
    }
    this.lost.delete(uid);
    this.backoff.set(key, record);
    if (toCount.length) {
      // Phase one: the API knows these uids are being counted before any finalizer goes.
      const uncounted = {
        succeeded: toCount.filter((p) => p.status?.phase === 'Succeeded').map((p) => p.metadata.uid),
        failed: toCount.filter((p) => p.status?.phase !== 'Succeeded').map((p) => p.metadata.uid),
      };
      this.writeStatus(job, { ...status, uncountedTerminatedPods: dropEmpty(uncounted) });
      for (const p of toCount) this.removeFinalizer(p);
    }
    status.succeeded = indexed ? completed.size : (status.succeeded ?? 0) + newSucceeded;
    status.failed = (status.failed ?? 0) + newFailed;
    if (indexed) status.completedIndexes = formatIndexes(completed);
    status.uncountedTerminatedPods = {};
    const live = pods.filter((p) => this.ctx.store.get('Pod', p.metadata.namespace, p.metadata.name));
    let active = live.filter(isActive);

    // 2. Already finished: nothing more to run; the TTL may delete the Job.
    if (jobFinished(job)) {
      this.finishStatus(job, status, active, conditions);
      return this.ttl(job, requeue, result);
    }

    // 3. Suspended: no pods, no clock.
    const suspended = spec.suspend === true;
    const wasSuspended = !!conditionTrue(job, 'Suspended');
    if (suspended) {
      for (const p of active) this.deletePod(job, p);
      active = [];
      if (!wasSuspended) {
        setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, this.ctx.clock.iso());
        this.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      this.finishStatus(job, status, active, conditions);
      return;
    }
    if (wasSuspended) {
      setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, this.ctx.clock.iso());
      this.event(job, 'Normal', 'Resumed', 'Job resumed');
      status.startTime = this.ctx.clock.iso(); // the deadline counts from the resume
    }
    status.startTime ??= this.ctx.clock.iso();

    // 4. Decide whether the Job has failed or succeeded.
    let target: Finish | undefined = interim(conditions);
    if (!target) {
      const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? sumRestarts(active) : 0;
      const deadline = spec.activeDeadlineSeconds;
      const elapsed = now - this.ctx.clock.parseIso(status.startTime);
      if (status.failed + restarts > backoffLimit) {
        target = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
      } else if (typeof deadline === 'number' && elapsed >= deadline * 1000) {
        target = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      } else if (this.succeeded(indexed, completions, status.succeeded, completed, active.length)) {
        target = { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
      } else if (typeof deadline === 'number') requeue(deadline * 1000 - elapsed);
      if (target) {
        const interimType = target.type === 'Failed' ? 'FailureTarget' : 'SuccessCriteriaMet';
        setCondition(conditions, { type: interimType, status: 'True', reason: target.reason, message: target.message }, this.ctx.clock.iso());
        if (target.type === 'Failed') this.event(job, 'Warning', target.reason, target.message);
      }
    }
    if (target) {
      // Stop what is still running; the terminal condition waits for every pod to be gone or finished.
      for (const p of active) this.deletePod(job, p);
      active = [];
      const stillTerminating = live.some((p) => !isTerminal(p) && this.ctx.store.get('Pod', p.metadata.namespace, p.metadata.name));
      if (!stillTerminating) {
        setCondition(conditions, { type: target.type, status: 'True', reason: target.reason, message: target.message }, this.ctx.clock.iso());
        if (target.type === 'Complete') {
          status.completionTime = this.ctx.clock.iso();
          this.event(job, 'Normal', 'Completed', 'Job completed');
        }
      }
      this.finishStatus(job, status, active, conditions);
      return this.ttl(this.ctx.store.get('Job', ns, name) ?? job, requeue, result);
    }

    // 5. Run the right number of pods.
    const wait = this.backoffRemaining(record, now);
    // podReplacementPolicy Failed: a terminating pod is replaced only once it is gone or failed.
    const waitForTerminating = spec.podReplacementPolicy === 'Failed';
    const terminating = waitForTerminating ? live.filter((p) => p.metadata.deletionTimestamp && !isTerminal(p) && this.ctx.store.get('Pod', p.metadata.namespace, p.metadata.name)) : [];
    if (indexed) this.manageIndexed(job, active, completed, completions ?? 0, parallelism, wait, requeue, terminating);
    else {
      let want: number;
      if (completions === undefined) want = status.succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
      else want = Math.max(0, Math.min(parallelism, completions - status.succeeded));
      if (active.length > want) {
        // Fewer wanted (parallelism lowered): drop the pods least far along first.
        const extra = [...active].sort(byProgress).slice(0, active.length - want);
        for (const p of extra) this.deletePod(job, p);
      } else if (active.length + terminating.length < want) {
        if (wait > 0) requeue(wait);
        else for (let i = active.length + terminating.length; i < want; i++) this.createPod(job, undefined);
      }
    }
    const after = this.ownedPods(job).filter(isActive);
    this.finishStatus(job, status, after, conditions);
    return result.requeueAfter !== undefined ? result : undefined;
  }

  private succeeded(indexed: boolean, completions: number | undefined, succeeded: number, completed: Set<number>, active: number): boolean {
    if (indexed) return completions !== undefined && completed.size >= completions;
    if (completions === undefined) return succeeded > 0 && active === 0;
    return succeeded >= completions;
  }

  private manageIndexed(
    job: KObject,
    active: KObject[],
    completed: Set<number>,
    completions: number,
    parallelism: number,
    wait: number,
    requeue: (ms: number) => void,
    terminating: KObject[],
  ): void {
    const running = new Map<number, KObject[]>();
    for (const p of active) {
      const idx = completionIndexOf(p);
      // A pod without a valid index, for a completed index, or a duplicate, has no business running.
      if (idx === undefined || idx >= completions || completed.has(idx) || running.has(idx)) {
        this.deletePod(job, p);
        continue;
      }
      running.set(idx, [p]);
    }
    // Over parallelism: the highest indexes go first.
    const indexes = [...running.keys()].sort((a, b) => b - a);
    while (running.size > parallelism && indexes.length) {
      const idx = indexes.shift()!;
      for (const p of running.get(idx)!) this.deletePod(job, p);
      running.delete(idx);
    }
    if (running.size >= parallelism) return;
    if (wait > 0) return requeue(wait);
    const held = new Set(terminating.map(completionIndexOf));
    for (let i = 0; i < completions && running.size < parallelism; i++) {
      if (completed.has(i) || running.has(i) || held.has(i)) continue;
      this.createPod(job, i);
      running.set(i, []);
    }
  }

  /** Time left before a replacement may be created after failures: 10 s × 2^(n−1), at most 6 min. */
  private backoffRemaining(record: BackoffRecord, now: number): number {
    if (!record.failuresAfterLastSuccess) return 0;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (record.failuresAfterLastSuccess - 1));
    return Math.max(0, record.lastFailureTime + delay - now);
  }

  private ownedPods(job: KObject): KObject[] {
    const uid = job.metadata.uid;
    return this.ctx.store.byIndex(OWNER_UID_INDEX, uid).filter((o) => o.kind === 'Pod' && o.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller));
  }

  /**
   * The API server generates a Job's selector from its uid unless manualSelector is set
   * (batch/v1 Job strategy); do it here if admission has not.
   */
  private ensureSelector(job: KObject): KObject {
    if (job.spec?.manualSelector === true) return job;
    const uid = job.metadata.uid;
    const labels = job.spec?.template?.metadata?.labels ?? {};
    if (job.spec?.selector && labels[CONTROLLER_UID_LABEL] === uid) return job;
    return (
      this.ctx.api.mutate('Job', job.metadata.namespace, job.metadata.name, (d) => {
        d.spec = d.spec ?? {};
        d.spec.selector ??= { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
        d.spec.template = d.spec.template ?? {};
        d.spec.template.metadata = d.spec.template.metadata ?? {};
        d.spec.template.metadata.labels = {
          ...(d.spec.template.metadata.labels ?? {}),
          [CONTROLLER_UID_LABEL]: uid,
          [JOB_NAME_LABEL]: d.metadata.name,
          'controller-uid': uid,
          'job-name': d.metadata.name,
        };
      }) ?? job
    );
  }

  private createPod(job: KObject, index: number | undefined): void {
    const template = clone(job.spec?.template ?? {});
    const meta = template.metadata ?? {};
    const labels: Record<string, string> = { ...(meta.labels ?? {}) };
    const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
    const spec = template.spec ?? {};
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = String(index);
      annotations[COMPLETION_INDEX] = String(index);
      // Indexed pods get a stable hostname and the index in their environment.
      spec.hostname ??= `${job.metadata.name}-${index}`;
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        c.env = [...(c.env ?? []).filter((e: { name: string }) => e.name !== 'JOB_COMPLETION_INDEX'), {
          name: 'JOB_COMPLETION_INDEX',
          valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } },
        }];
      }
    }
    const pod: NewObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: index !== undefined ? `${job.metadata.name}-${index}-` : `${job.metadata.name}-`,
        namespace: job.metadata.namespace,
        labels,
        ...(Object.keys(annotations).length ? { annotations } : {}),
        finalizers: [JOB_TRACKING_FINALIZER],
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec,
    };
    try {
      const created = this.ctx.api.create(pod);
      this.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.event(job, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
    }
  }

  private deletePod(job: KObject, pod: KObject): void {
    try {
      this.ctx.api.delete('Pod', pod.metadata.namespace, pod.metadata.name);
      this.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }

  private removeFinalizer(pod: KObject): void {
    const after = this.ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (d) => {
      const f = d.metadata.finalizers ?? [];
      if (!f.includes(JOB_TRACKING_FINALIZER)) return false;
      d.metadata.finalizers = f.filter((x: string) => x !== JOB_TRACKING_FINALIZER);
      if (!d.metadata.finalizers.length) delete d.metadata.finalizers;
    });
    // A deleted pod that only waited for our finalizer and has nothing left to stop goes now
    // (as the API server does when the last finalizer of an object being deleted is removed).
    if (after?.metadata.deletionTimestamp && !after.metadata.finalizers?.length && (isTerminal(after) || !after.spec?.nodeName)) {
      this.ctx.api.remove('Pod', after.metadata.namespace, after.metadata.name);
    }
  }

  private finishStatus(job: KObject, status: any, active: KObject[], conditions: Condition[]): void {
    status.active = active.length;
    status.ready = active.filter(isReady).length;
    // status.terminating (JobPodReplacementPolicy, on by default since 1.29): pods being deleted, not yet terminal.
    status.terminating = this.ownedPods(job).filter((p) => p.metadata.deletionTimestamp && !isTerminal(p)).length;
    if (conditions.length) status.conditions = conditions;
    this.writeStatus(job, status);
  }

  private writeStatus(job: KObject, status: any): void {
    this.ctx.api.mutate('Job', job.metadata.namespace, job.metadata.name, (d) => {
      d.status = clone(status);
      for (const k of ['active', 'succeeded', 'failed'] as const) if (d.status[k] === 0) delete d.status[k];
    });
  }

  /** ttlSecondsAfterFinished: delete the Job (and, in the foreground, its pods) that long after it finished. */
  private ttl(job: KObject, requeue: (ms: number) => void, result: { requeueAfter?: number }): ReconcileResult {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    const done = jobFinished(job);
    if (typeof ttl !== 'number' || !done) return result.requeueAfter !== undefined ? result : undefined;
    const finishedAt = this.ctx.clock.parseIso(done.lastTransitionTime ?? job.status?.completionTime ?? this.ctx.clock.iso());
    const left = finishedAt + ttl * 1000 - this.ctx.clock.now;
    if (left > 0) {
      requeue(left);
      return result;
    }
    try {
      this.ctx.api.delete('Job', job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Foreground' });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
    return undefined;
  }
}

function interim(conditions: Condition[]): Finish | undefined {
  const f = conditions.find((c) => c.type === 'FailureTarget' && c.status === 'True');
  if (f) return { type: 'Failed', reason: f.reason ?? '', message: f.message ?? '' };
  const s = conditions.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
  if (s) return { type: 'Complete', reason: s.reason ?? '', message: s.message ?? '' };
  return undefined;
}

function setCondition(conditions: Condition[], c: Condition, now: string): void {
  const i = conditions.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? conditions[i] : undefined;
  if (prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message) return;
  const next = { type: c.type, status: c.status, reason: c.reason, message: c.message, lastProbeTime: now, lastTransitionTime: prev?.status === c.status ? prev.lastTransitionTime : now };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}

function sumRestarts(pods: KObject[]): number {
  let n = 0;
  for (const p of pods) for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) n += s.restartCount ?? 0;
  return n;
}

/** Pods least far along first: unscheduled, then not running, then not ready, then newest. */
function byProgress(a: KObject, b: KObject): number {
  const rank = (p: KObject) => (!p.spec?.nodeName ? 0 : p.status?.phase !== 'Running' ? 1 : !isReady(p) ? 2 : 3);
  const d = rank(a) - rank(b);
  if (d) return d;
  return a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? -1 : 0;
}

function dropEmpty(u: { succeeded: string[]; failed: string[] }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (u.succeeded.length) out.succeeded = u.succeeded;
  if (u.failed.length) out.failed = u.failed;
  return out;
}

export const jobController = (ctx: EngineContext, onReady: () => void): Controller => new JobController(ctx, onReady);
