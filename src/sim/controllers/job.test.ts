import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { KObject } from '../api/types';

const JOB = (extra: string) => `
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
${extra}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl
`;

/** A cluster without nodes: pods stay unbound unless a test binds and finishes them itself. */
function setup(extra: string) {
  const c = createCluster({ nodes: [] });
  const r = c.apply(JOB(extra));
  expect(r[0].error).toBeUndefined();
  c.advance(200);
  const pods = () => c.list('pod', { namespace: 'default' });
  const active = () => pods().filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));
  const finish = (p: KObject, phase: 'Succeeded' | 'Failed') =>
    c.ctx.api.mutate('Pod', 'default', p.metadata.name, (d) => {
      d.spec.nodeName = 'node-x';
      d.status = { ...(d.status ?? {}), phase };
    });
  const job = () => c.get('job', 'pi')!;
  const cond = (type: string) => job().status?.conditions?.find((x: { type: string }) => x.type === type);
  const reasons = () => c.events().filter((e) => e.involvedObject.kind === 'Job').map((e) => `${e.reason}: ${e.message}`);
  return { c, pods, active, finish, job, cond, reasons };
}

describe('job controller', () => {
  it('generates the selector and pod labels from the uid', () => {
    const { job, pods } = setup('  completions: 1');
    const uid = job().metadata.uid;
    expect(job().spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    const p = pods()[0];
    expect(p.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(p.metadata.labels).toEqual({ 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' });
    expect(p.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid, controller: true, blockOwnerDeletion: true }]);
  });

  it('runs parallelism pods at a time until completions succeed, then is Complete', () => {
    const { c, active, finish, job, cond, reasons, pods } = setup('  completions: 3\n  parallelism: 2');
    expect(active()).toHaveLength(2);
    expect(job().status).toMatchObject({ active: 2, ready: 0, uncountedTerminatedPods: {} });
    expect(job().status.startTime).toBe(c.ctx.clock.iso(30_000));
    finish(active()[0], 'Succeeded');
    c.advance(200);
    expect(job().status).toMatchObject({ active: 2, succeeded: 1 });
    for (const p of active()) finish(p, 'Succeeded');
    c.advance(200);
    expect(job().status.succeeded).toBe(3);
    expect(job().status.active).toBeUndefined();
    expect(cond('SuccessCriteriaMet')).toMatchObject({ status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(cond('Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(job().status.completionTime).toBeDefined();
    expect(pods().every((p) => !p.metadata.finalizers)).toBe(true);
    expect(pods()).toHaveLength(3);
    expect(reasons().filter((r) => r.startsWith('SuccessfulCreate'))).toHaveLength(3);
    expect(reasons().at(-1)).toBe('Completed: Job completed');
  });

  it('retries failed pods with a 10 s back-off, then fails past backoffLimit', () => {
    const { c, active, finish, job, cond, reasons } = setup('  backoffLimit: 1');
    finish(active()[0], 'Failed');
    c.advance(200);
    expect(job().status.failed).toBe(1);
    expect(active()).toHaveLength(0); // waiting out the back-off
    c.advance(9_000);
    expect(active()).toHaveLength(0);
    c.advance(1_000);
    expect(active()).toHaveLength(1);
    finish(active()[0], 'Failed');
    c.advance(200);
    expect(job().status.failed).toBe(2);
    expect(cond('FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(cond('Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(reasons()).toContain('BackoffLimitExceeded: Job has reached the specified backoff limit');
    c.advance(60_000);
    expect(active()).toHaveLength(0);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and stops its pods', () => {
    const { c, active, cond, reasons, pods } = setup('  activeDeadlineSeconds: 5\n  parallelism: 2\n  completions: 4');
    expect(active()).toHaveLength(2);
    c.advance(4_500);
    expect(cond('Failed')).toBeUndefined();
    c.advance(600);
    expect(cond('Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(pods()).toHaveLength(0); // unbound pods go at once
    expect(reasons()).toContain('DeadlineExceeded: Job was active longer than specified deadline');
  });

  it('Indexed: one pod per index, completedIndexes, and the index in labels, annotations and env', () => {
    const { c, active, finish, job, cond } = setup('  completions: 3\n  parallelism: 3\n  completionMode: Indexed');
    const byIndex = new Map(active().map((p) => [p.metadata.annotations!['batch.kubernetes.io/job-completion-index'], p]));
    expect([...byIndex.keys()].sort()).toEqual(['0', '1', '2']);
    const p1 = byIndex.get('1')!;
    expect(p1.metadata.name).toMatch(/^pi-1-[a-z0-9]{5}$/);
    expect(p1.metadata.labels!['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(p1.spec.hostname).toBe('pi-1');
    expect(p1.spec.containers[0].env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    finish(byIndex.get('0')!, 'Succeeded');
    finish(byIndex.get('2')!, 'Succeeded');
    c.advance(200);
    expect(job().status.completedIndexes).toBe('0,2');
    finish(byIndex.get('1')!, 'Failed');
    c.advance(10_200);
    const retry = active();
    expect(retry.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'])).toEqual(['1']);
    finish(retry[0], 'Succeeded');
    c.advance(200);
    expect(job().status.completedIndexes).toBe('0-2');
    expect(job().status).toMatchObject({ succeeded: 3, failed: 1 });
    expect(cond('Complete')?.status).toBe('True');
  });

  it('suspend creates no pods; resume starts them', () => {
    const { c, active, job, cond, reasons } = setup('  suspend: true\n  parallelism: 2\n  completions: 2');
    expect(active()).toHaveLength(0);
    expect(cond('Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended', message: 'Job suspended' });
    expect(job().status.startTime).toBeUndefined();
    c.ctx.api.mutate('Job', 'default', 'pi', (d) => {
      d.spec.suspend = false;
    });
    c.advance(200);
    expect(active()).toHaveLength(2);
    expect(cond('Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
    expect(reasons()).toContain('Resumed: Job resumed');
  });

  it('ttlSecondsAfterFinished deletes the finished Job and its pods', () => {
    const { c, active, finish } = setup('  ttlSecondsAfterFinished: 30');
    finish(active()[0], 'Succeeded');
    c.advance(200);
    expect(c.get('job', 'pi')).toBeDefined();
    c.advance(29_000);
    expect(c.get('job', 'pi')).toBeDefined();
    c.advance(1_000);
    expect(c.get('job', 'pi')).toBeUndefined();
    expect(c.list('pod', { namespace: 'default' })).toEqual([]);
  });

  it('releases the tracking finalizer when the Job is deleted', () => {
    const { c, pods } = setup('  parallelism: 1');
    c.ctx.api.mutate('Pod', 'default', pods()[0].metadata.name, (d) => {
      d.spec.nodeName = 'node-x';
      d.status = { phase: 'Running' };
    });
    c.delete('job/pi');
    c.advance(500);
    const [p] = pods();
    expect(p.metadata.deletionTimestamp).toBeDefined();
    expect(p.metadata.finalizers).toBeUndefined();
  });

  it('podReplacementPolicy: TerminatingOrFailed replaces a terminating pod; Failed waits until it is terminal', () => {
    for (const policy of ['TerminatingOrFailed', 'Failed']) {
      const { c, pods, active, job } = setup(`  podReplacementPolicy: ${policy}`);
      const [first] = pods();
      c.ctx.api.mutate('Pod', 'default', first.metadata.name, (d) => {
        d.spec.nodeName = 'node-x'; // no kubelet there: the deletion stays pending
        d.status = { phase: 'Running' };
      });
      c.ctx.api.delete('Pod', 'default', first.metadata.name);
      c.advance(15_000); // past the 10 s back-off of the first failure
      expect(job().status).toMatchObject({ failed: 1, terminating: 1 });
      expect(active()).toHaveLength(policy === 'Failed' ? 0 : 1);
      c.ctx.api.mutate('Pod', 'default', first.metadata.name, (d) => {
        d.status.phase = 'Failed';
      });
      c.advance(200);
      expect(active()).toHaveLength(1);
      expect(job().status).toMatchObject({ failed: 1, terminating: 0, active: 1 });
    }
  });
});
