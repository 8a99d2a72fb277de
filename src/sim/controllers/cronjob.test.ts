import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

const CRON = (extra: string, schedule = '*/1 * * * *') => `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "${schedule}"
${extra}
  jobTemplate:
    metadata:
      labels: {app: hello}
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: busybox
`;

// EPOCH is 2025-01-01T09:00:00Z = 28928700 minutes after the Unix epoch; the cluster hands over at 09:00:30.
const MIN0 = 28928700;

function setup(extra = '', schedule?: string) {
  const c = createCluster({ nodes: [] });
  const r = c.apply(CRON(extra, schedule));
  expect(r[0].error).toBeUndefined();
  const jobs = () => c.list('job', { namespace: 'default' }).map((j) => j.metadata.name);
  const cj = () => c.get('cj', 'hello')!;
  const finishJob = (name: string, type: 'Complete' | 'Failed') =>
    c.ctx.api.mutate('Job', 'default', name, (d) => {
      // Stand-in for the Job controller finishing it: the job's pods are gone, the condition set.
      d.spec.suspend = true;
      d.status = { ...(d.status ?? {}), conditions: [{ type, status: 'True', lastTransitionTime: c.ctx.clock.iso() }], ...(type === 'Complete' ? { completionTime: c.ctx.clock.iso() } : {}) };
    });
  const reasons = () => c.events().filter((e) => e.involvedObject.kind === 'CronJob').map((e) => `${e.reason}: ${e.message}`);
  return { c, jobs, cj, finishJob, reasons };
}

describe('cronjob controller', () => {
  it('creates a Job at each scheduled minute, named after the scheduled time', () => {
    const { c, jobs, cj, reasons } = setup();
    c.advance(29_000);
    expect(jobs()).toEqual([]);
    c.advance(1_200);
    expect(jobs()).toEqual([`hello-${MIN0 + 1}`]);
    const job = c.get('job', `hello-${MIN0 + 1}`)!;
    expect(job.metadata.labels).toEqual({ app: 'hello' });
    expect(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2025-01-01T09:01:00Z');
    expect(job.metadata.ownerReferences![0]).toMatchObject({ kind: 'CronJob', name: 'hello', controller: true });
    expect(cj().status.lastScheduleTime).toBe('2025-01-01T09:01:00Z');
    expect(cj().status.active.map((r: { name: string }) => r.name)).toEqual([`hello-${MIN0 + 1}`]);
    expect(reasons()).toEqual([`SuccessfulCreate: Created job hello-${MIN0 + 1}`]);
    c.advance(60_000);
    expect(jobs()).toEqual([`hello-${MIN0 + 1}`, `hello-${MIN0 + 2}`]);
  });

  it('records finished jobs and keeps 3 successful and 1 failed in history', () => {
    const { c, jobs, cj, finishJob, reasons } = setup();
    c.advance(30_200);
    for (let i = 1; i <= 5; i++) {
      finishJob(`hello-${MIN0 + i}`, i === 2 || i === 3 ? 'Failed' : 'Complete');
      c.advance(60_000);
    }
    // Complete: 1, 4, 5 (+6 still running); Failed: only the newest, 3.
    expect(jobs()).toEqual([`hello-${MIN0 + 1}`, `hello-${MIN0 + 3}`, `hello-${MIN0 + 4}`, `hello-${MIN0 + 5}`, `hello-${MIN0 + 6}`]);
    expect(reasons()).toContain(`SawCompletedJob: Saw completed job: hello-${MIN0 + 2}, status: Failed`);
    expect(reasons()).toContain(`SuccessfulDelete: Deleted job hello-${MIN0 + 2}`);
    expect(cj().status.lastSuccessfulTime).toBe('2025-01-01T09:05:00Z');
    finishJob(`hello-${MIN0 + 6}`, 'Complete');
    c.advance(200);
    expect(jobs()).not.toContain(`hello-${MIN0 + 1}`);
  });

  it('Forbid skips a run while the previous one is active', () => {
    const { c, jobs, reasons } = setup('  concurrencyPolicy: Forbid');
    c.advance(90_200);
    expect(jobs()).toEqual([`hello-${MIN0 + 1}`]);
    expect(reasons()).toContain('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid');
  });

  it('Replace deletes the running Job and starts the new one', () => {
    const { c, jobs, reasons } = setup('  concurrencyPolicy: Replace');
    c.advance(90_200);
    expect(jobs()).toEqual([`hello-${MIN0 + 2}`]);
    expect(reasons()).toContain(`SuccessfulDelete: Deleted job hello-${MIN0 + 1}`);
  });

  it('suspend stops new runs; startingDeadlineSeconds skips the ones missed too long ago', () => {
    const { c, jobs, reasons } = setup('  suspend: true\n  startingDeadlineSeconds: 10');
    c.advance(230_000); // 09:04:20
    expect(jobs()).toEqual([]);
    c.ctx.api.mutate('CronJob', 'default', 'hello', (d) => {
      d.spec.suspend = false;
    });
    c.advance(200);
    // The 09:04 run is 20 s late, past the 10 s deadline: it is not started (the controller only
    // looks back startingDeadlineSeconds for missed times).
    expect(jobs()).toEqual([]);
    expect(reasons()).toEqual([]);
    c.advance(40_000);
    expect(jobs()).toEqual([`hello-${MIN0 + 5}`]);
  });

  it('an invalid schedule is reported, not thrown', () => {
    const { c, jobs, reasons } = setup('', '@every 5m');
    c.advance(120_000);
    expect(jobs()).toEqual([]);
    expect(reasons()[0]).toBe('UnparseableSchedule: unparseable schedule: "@every 5m" : unrecognized descriptor: @every 5m');
  });
});
