import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';
import { goDuration } from './top';

describe('kubectl top', () => {
  it('without metrics-server the Metrics API is not available', () => {
    const c = createCluster({ nodes: 1 });
    expect(c.kubectl('top pods')).toEqual({ stdout: '', stderr: 'error: Metrics API not available\n', exitCode: 1 });
    expect(c.kubectl('top node').stderr).toBe('error: Metrics API not available\n');
  });

  it('with the add-on, metrics appear after two scrapes and follow pinned usage', () => {
    const c = createCluster({ nodes: 1, addons: { metricsServer: true } });
    expect(c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })).toHaveLength(1);
    c.apply(`apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - {name: web, image: nginx:1.25, resources: {requests: {cpu: 100m, memory: 64Mi}}}
`);
    c.advance(10_000);
    // Running, but not scraped twice yet.
    expect(c.kubectl('top pod').stderr).toBe('error: metrics not available yet\n');
    expect(c.kubectl('top pod web').stderr).toBe('Error from server (NotFound): podmetrics.metrics.k8s.io "default/web" not found\n');
    c.setUsage('pod/default/web', { cpu: '250m', memory: '100Mi' });
    c.advance(30_000);
    expect(c.kubectl('top pod').stdout).toBe('NAME   CPU(cores)   MEMORY(bytes)   \nweb    250m         100Mi           \n');
    expect(c.kubectl('top pod web --containers').stdout).toBe('POD   NAME   CPU(cores)   MEMORY(bytes)   \nweb   web    250m         100Mi           \n');
    // The next scrape is what top sees: a change shows up within one resolution (15 s), not at once.
    c.setUsage('pod/default/web', { cpu: '500m', memory: '100Mi' });
    const before = c.kubectl('top pod --no-headers').stdout;
    c.advance(15_000);
    expect(before).toBe('web   250m   100Mi   \n');
    expect(c.kubectl('top pod --no-headers').stdout).toBe('web   500m   100Mi   \n');
  });

  it('top node prints usage and percentages of allocatable, sorted as asked', () => {
    const c = createCluster({ nodes: 2, addons: { metricsServer: true } });
    c.advance(30_000);
    const out = c.kubectl('top node').stdout.split('\n');
    expect(out[0]).toBe('NAME            CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   ');
    expect(out.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['control-plane', 'node-1', 'node-2']);
    for (const line of out.slice(1, 4)) expect(line).toMatch(/^\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s+$/);
    const byCpu = c.kubectl('top node --sort-by=cpu --no-headers').stdout.split('\n')[0];
    expect(byCpu.startsWith('control-plane')).toBe(true);
    expect(c.kubectl('top node --sort-by=disk').stderr).toBe('error: --sort-by accepts only cpu or memory\n');
    expect(c.kubectl('top node nope').stderr).toBe('Error from server (NotFound): nodemetrics.metrics.k8s.io "nope" not found\n');
    // A node whose kubelet stopped cannot be scraped: its row says <unknown>.
    // (Stop the worker that does not run metrics-server: stopping that one takes the Metrics API down.)
    const ms = c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=metrics-server' })[0] as { spec: { nodeName: string } };
    const other = ms.spec.nodeName === 'node-1' ? 'node-2' : 'node-1';
    c.setNodeRunning(other, false);
    c.advance(120_000);
    expect(c.kubectl(`top node ${ms.spec.nodeName} --no-headers`).exitCode).toBe(0);
    expect(c.kubectl('top node').stdout).toContain(`${other}          <unknown>    <unknown>   <unknown>       <unknown>   \n`);
  });

  it('--sum adds a totals row; -A adds the namespace column', () => {
    const c = createCluster({ nodes: 1, addons: { metricsServer: true } });
    c.advance(30_000);
    const lines = c.kubectl('top pod -A -l k8s-app=kube-dns --sum').stdout.split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s+$/);
    expect(lines[1]).toMatch(/^kube-system\s+coredns-\S+\s+\d+m\s+\d+Mi\s+$/);
    expect(lines[3].trim()).toBe('________     ________');
  });

  it('goDuration writes Go durations', () => {
    expect(goDuration(130_500)).toBe('2m10.5s');
    expect(goDuration(3_603_000)).toBe('1h0m3s');
  });
});
