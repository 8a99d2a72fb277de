/**
 * The CronJob controller (cronjob_controllerv2): at each scheduled time it creates a Job named
 * `<cronjob>-<scheduled time in minutes since the Unix epoch>`, honouring concurrencyPolicy
 * (Allow, Forbid, Replace), startingDeadlineSeconds and suspend; it keeps status.active,
 * lastScheduleTime and lastSuccessfulTime, and deletes finished Jobs beyond the history limits.
 *
 * Schedules run in UTC, or in `spec.timeZone` (an IANA zone name, daylight saving as robfig/cron
 * handles it: see nextAfter). A zone the runtime does not know stops the CronJob with an
 * `UnknownTimeZone` Warning, as the real controller does.
 */
import type { EngineContext } from '../context';
import { Controller, type ReconcileResult } from './controller';
import { OWNER_UID_INDEX } from '../api/garbage-collector';
import { ApiError, type KObject, type NewObject } from '../api/types';
import { clone } from '../api/json';
import { EPOCH_MS } from '../clock';
import { CronParseError, nextAfter, parseSchedule } from './cron';
import { jobFinished } from './job';
import { knownTimeZone } from '../api/time-zone';

/** More missed start times than this and the controller warns (as the real one does past 100). */
const TOO_MANY_MISSED = 100;

type ObjectRef = { apiVersion: string; kind: string; name: string; namespace: string; uid: string; resourceVersion?: string };

export class CronJobController extends Controller {
  readonly name = 'cronjob-controller';

  start(): void {
    this.watchOwn('CronJob');
    this.watchOwned('Job', 'CronJob');
  }

  /** Simulated ms ↔ Unix ms. */
  private wall(sim: number): number {
    return sim + EPOCH_MS;
  }

  private isoWall(wallMs: number): string {
    return this.ctx.clock.iso(wallMs - EPOCH_MS);
  }

  reconcile(key: string): ReconcileResult {
    const [ns, name] = key.split('/');
    const cj = this.ctx.store.get('CronJob', ns, name);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const uid = cj.metadata.uid;
    const jobs = this.ctx.store
      .byIndex(OWNER_UID_INDEX, uid)
      .filter((o) => o.kind === 'Job' && o.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller));
    const status = clone(cj.status ?? {});
    let active: ObjectRef[] = status.active ?? [];

    // 1. Keep status.active true to the Jobs, and notice the ones that finished.
    const byUid = new Map(jobs.map((j) => [j.metadata.uid, j]));
    for (const j of jobs) {
      const done = jobFinished(j);
      const listed = active.some((r) => r.uid === j.metadata.uid);
      if (!done && !listed) active.push(refOf(j));
      if (done && listed) {
        active = active.filter((r) => r.uid !== j.metadata.uid);
        this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, status: ${done.type}`);
      }
      if (done?.type === 'Complete' && j.status?.completionTime) {
        const t = j.status.completionTime;
        if (!status.lastSuccessfulTime || this.ctx.clock.parseIso(t) > this.ctx.clock.parseIso(status.lastSuccessfulTime)) status.lastSuccessfulTime = t;
      }
    }
    for (const r of active) {
      if (!byUid.has(r.uid)) this.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${r.name}`);
    }
    active = active.filter((r) => byUid.has(r.uid)).sort((a, b) => (a.name < b.name ? -1 : 1));

    // 2. History limits.
    this.cleanupHistory(cj, jobs);

    const spec = cj.spec ?? {};
    const write = () => {
      status.active = active.length ? active : undefined;
      this.ctx.api.mutate('CronJob', ns, name, (d) => {
        d.status = clone(status);
        if (!d.status.active) delete d.status.active;
      });
    };

    let schedule;
    try {
      schedule = parseSchedule(String(spec.schedule ?? ''));
    } catch (e) {
      if (!(e instanceof CronParseError)) throw e;
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${e.message}`);
      write();
      return;
    }
    const timeZone: string | undefined = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
    if (timeZone !== undefined && !knownTimeZone(timeZone)) {
      // cronjob_controllerv2 syncCronJob: an unloadable zone starts nothing.
      this.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`);
      write();
      return;
    }
    if (spec.suspend === true) {
      write();
      return;
    }

    // 3. The most recent scheduled time not yet acted on.
    const now = this.wall(this.ctx.clock.now);
    let earliest = this.wall(this.ctx.clock.parseIso(status.lastScheduleTime ?? cj.metadata.creationTimestamp));
    const deadline: number | undefined = typeof spec.startingDeadlineSeconds === 'number' ? spec.startingDeadlineSeconds : undefined;
    if (deadline !== undefined && now - deadline * 1000 > earliest) earliest = now - deadline * 1000;
    let scheduled: number | undefined;
    let missed = 0;
    for (let t = nextAfter(schedule, earliest, timeZone); t !== undefined && t <= now; t = nextAfter(schedule, t, timeZone)) {
      scheduled = t;
      missed++;
    }
    const next = nextAfter(schedule, now, timeZone);
    const requeue = next !== undefined ? { requeueAfter: next - now + 100 } : undefined;
    if (missed > TOO_MANY_MISSED) {
      this.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    if (scheduled === undefined) {
      write();
      return requeue;
    }
    if (deadline !== undefined && scheduled + deadline * 1000 < now) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      write();
      return requeue;
    }

    // 4. Run it, as the concurrency policy allows.
    const jobName = `${name}-${Math.floor(scheduled / 60_000)}`;
    if (this.ctx.store.get('Job', ns, jobName)) {
      // Already created for this time (by an earlier pass).
      status.lastScheduleTime = this.isoWall(scheduled);
      write();
      return requeue;
    }
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length) {
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      write();
      return requeue;
    }
    if (policy === 'Replace') {
      for (const r of active) {
        this.deleteJob(cj, r.name);
      }
      active = [];
    }
    const tmpl = spec.jobTemplate ?? {};
    const job: NewObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: ns,
        labels: { ...(tmpl.metadata?.labels ?? {}) },
        annotations: { ...(tmpl.metadata?.annotations ?? {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': this.isoWall(scheduled) },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name, uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: clone(tmpl.spec ?? {}),
    };
    try {
      const created = this.ctx.api.create(job);
      active.push(refOf(created));
      this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${e.message}`);
      write();
      return requeue;
    }
    status.lastScheduleTime = this.isoWall(scheduled);
    write();
    return requeue;
  }

  /** Delete the oldest finished Jobs beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1). */
  private cleanupHistory(cj: KObject, jobs: KObject[]): void {
    const limits = { Complete: cj.spec?.successfulJobsHistoryLimit ?? 3, Failed: cj.spec?.failedJobsHistoryLimit ?? 1 };
    for (const type of ['Complete', 'Failed'] as const) {
      const done = jobs
        .filter((j) => !j.metadata.deletionTimestamp && jobFinished(j)?.type === type)
        .sort((a, b) => startOf(a).localeCompare(startOf(b)) || a.metadata.name.localeCompare(b.metadata.name));
      for (const j of done.slice(0, Math.max(0, done.length - limits[type]))) this.deleteJob(cj, j.metadata.name);
    }
  }

  private deleteJob(cj: KObject, jobName: string): void {
    try {
      this.ctx.api.delete('Job', cj.metadata.namespace, jobName, { propagationPolicy: 'Background' });
      this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${jobName}`);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }
}

function startOf(j: KObject): string {
  return j.status?.startTime ?? j.metadata.creationTimestamp;
}

function refOf(j: KObject): ObjectRef {
  return { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, namespace: j.metadata.namespace!, uid: j.metadata.uid, resourceVersion: j.metadata.resourceVersion };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTH_NAMES[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export const cronJobController = (ctx: EngineContext, onReady: () => void): Controller => new CronJobController(ctx, onReady);
