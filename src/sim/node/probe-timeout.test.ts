import { describe, expect, it } from 'vitest';
import { harness, podObject } from './testing';

describe('exec probe timeoutSeconds', () => {
  it('a command that runs past timeoutSeconds fails the probe with the CRI client’s words, and the container restarts', () => {
    const h = harness();
    h.create(
      podObject('slow', 'busybox', {
        name: 'slow',
        args: ['sh', '-c', 'sleep 3600'],
        livenessProbe: { exec: { command: ['sh', '-c', 'sleep 5'] }, timeoutSeconds: 1, periodSeconds: 5, failureThreshold: 2 },
      }),
    );
    h.advance(50_000);
    const ev = h.events('slow');
    expect(ev.filter((e) => e.startsWith('Unhealthy'))[0]).toBe('Unhealthy: Liveness probe failed: command "sh -c sleep 5" timed out');
    expect(ev).toContain('Killing: Container slow failed liveness probe, will be restarted');
    expect(h.status('slow').restartCount).toBe(1);
  });

  it('the same command passes when timeoutSeconds is longer than it runs', () => {
    const h = harness();
    h.create(
      podObject('patient', 'busybox', {
        name: 'patient',
        args: ['sh', '-c', 'sleep 3600'],
        livenessProbe: { exec: { command: ['sh', '-c', 'sleep 5'] }, timeoutSeconds: 6, periodSeconds: 5, failureThreshold: 2 },
        readinessProbe: { exec: { command: ['sh', '-c', 'sleep 1'] }, periodSeconds: 5 },
      }),
    );
    h.advance(30_000);
    expect(h.events('patient').filter((e) => e.startsWith('Unhealthy') || e.startsWith('Killing'))).toEqual([]);
    expect(h.status('patient')).toMatchObject({ restartCount: 0, ready: true });
  });

  it('kubectl exec still returns at once, with the sleep it skipped reported to the prober only', () => {
    const h = harness();
    h.create(podObject('box', 'busybox', { name: 'box', args: ['sh', '-c', 'sleep 3600'] }));
    h.advance(10_000);
    expect(h.runtime.exec('default', 'box', undefined, ['sh', '-c', 'echo hi; sleep 2'])).toEqual({ stdout: 'hi\n', stderr: '', exitCode: 0, elapsedMs: 2000 });
    expect(h.runtime.exec('default', 'box', undefined, ['echo', 'hi'])).toEqual({ stdout: 'hi\n', stderr: '', exitCode: 0 });
  });
});
