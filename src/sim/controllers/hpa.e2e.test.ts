/**
 * The Kubernetes HPA walkthrough (php-apache) end to end: metrics-server scrapes the pods' CPU, the
 * HPA scales the Deployment up under a load generator's requests and back down once the load stops
 * and the 5-minute stabilization window has passed.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

const PHP_APACHE = `apiVersion: apps/v1
kind: Deployment
metadata: {name: php-apache}
spec:
  selector: {matchLabels: {run: php-apache}}
  template:
    metadata: {labels: {run: php-apache}}
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports: [{containerPort: 80}]
        resources: {limits: {cpu: 500m}, requests: {cpu: 200m}}
---
apiVersion: v1
kind: Service
metadata: {name: php-apache, labels: {run: php-apache}}
spec:
  ports: [{port: 80}]
  selector: {run: php-apache}
`;

const replicas = (c: ReturnType<typeof createCluster>) => (c.get('deploy', 'php-apache') as { spec: { replicas: number } }).spec.replicas;

describe('HPA walkthrough (php-apache)', () => {
  it('scales up under load and back down after the stabilization window', () => {
    const c = createCluster({ addons: { metricsServer: true } });
    c.apply(PHP_APACHE);
    expect(c.kubectl('autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10').stdout).toBe('horizontalpodautoscaler.autoscaling/php-apache autoscaled\n');
    // Before the first sync the HPA has no metrics.
    expect(c.kubectl('get hpa --no-headers').stdout).toMatch(/^php-apache\s+Deployment\/php-apache\s+cpu: <unknown>\/50%\s+1\s+10\s+0\s+0s\n$/);
    c.advance(60_000);
    expect(c.kubectl('get hpa --no-headers').stdout).toMatch(/^php-apache\s+Deployment\/php-apache\s+cpu: 0%\/50%\s+1\s+10\s+1\s+/);

    const gen = c.kubectl('run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c "while sleep 0.01; do wget -q -O- http://php-apache; done"');
    expect(gen.exitCode).toBe(0);
    c.advance(60_000);
    // The load shows up in top and in the HPA's TARGETS, and the HPA scales out (at most to 4 at once).
    const util = Number(/cpu: (\d+)%\/50%/.exec(c.kubectl('get hpa').stdout)?.[1]);
    expect(replicas(c)).toBeGreaterThan(1);
    expect(c.events().some((e: any) => e.reason === 'SuccessfulRescale' && e.message === 'New size: 4; reason: cpu resource utilization (percentage of request) above target')).toBe(true);
    c.advance(120_000);
    const scaledTo = replicas(c);
    expect(scaledTo).toBeGreaterThanOrEqual(4);
    expect(scaledTo).toBeLessThanOrEqual(10);
    expect(util).toBeGreaterThan(0);
    const top = c.kubectl('top pods -l run=php-apache --no-headers').stdout.trim().split('\n');
    expect(top).toHaveLength(scaledTo);
    expect(c.kubectl('describe hpa php-apache').stdout).toMatch(/ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)/);

    // Stop the load: usage falls at the next scrapes, but the HPA holds for the 5-minute window.
    c.kubectl('delete pod load-generator');
    c.advance(240_000);
    expect(replicas(c)).toBe(scaledTo);
    expect(c.kubectl('get hpa --no-headers').stdout).toMatch(/cpu: 0%\/50%/);
    c.advance(120_000);
    expect(replicas(c)).toBe(1);
    expect(c.events().filter((e: any) => e.reason === 'SuccessfulRescale').at(-1)).toMatchObject({ message: 'New size: 1; reason: All metrics below target', source: { component: 'horizontal-pod-autoscaler' } });
  });

  it('without metrics-server the HPA cannot get metrics', () => {
    const c = createCluster({});
    c.apply(PHP_APACHE);
    c.kubectl('autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10');
    c.advance(30_000);
    const out = c.kubectl('describe hpa php-apache').stdout;
    expect(out).toMatch(
      /ScalingActive\s+False\s+FailedGetResourceMetric\s+the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API\n/,
    );
    expect(out).toContain('Deployment pods:                                       1 current / 0 desired\n');
    expect(c.kubectl('get hpa --no-headers').stdout).toMatch(/cpu: <unknown>\/50%\s+1\s+10\s+1\s+/);
    expect(replicas(c)).toBe(1);
  });
});
