import { describe, expect, it } from 'vitest';
import { harness, podObject } from './testing';

// A container's filesystem and environment are made when first read (pod-worker.ts, Lazy), yet they
// must be what the kubelet prepared at the start of that run: a restart gives fresh ones.
describe("a container's files and environment belong to its run", () => {
  it('a shell sees /etc/hosts, /etc/hostname and resolv.conf of its pod; a restart drops what the last run wrote', () => {
    const h = harness();
    h.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { mode: 'fast' } });
    h.create(
      podObject('app', 'busybox:1.36', {
        command: ['sh', '-c', 'sleep 20; exit 1'],
        env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }],
      }),
    );
    h.advance(5000);
    expect(h.status('app').restartCount).toBe(0);
    const ip = h.pod('app')!.status.podIP;
    const run = (...argv: string[]) => h.runtime.exec('default', 'app', undefined, argv);
    expect(run('cat', '/etc/hosts').stdout).toBe(`# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\tapp\n`);
    expect(run('cat', '/etc/hostname').stdout).toBe('app\n');
    expect(run('cat', '/etc/resolv.conf').stdout).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect(run('printenv', 'MODE', 'HOSTNAME', 'HOME')).toEqual({ stdout: 'fast\napp\n/root\n', stderr: '', exitCode: 0 });
    expect(run('sh', '-c', 'echo kept > /tmp/note').exitCode).toBe(0);
    expect(run('cat', '/tmp/note').stdout).toBe('kept\n');

    // The variables were resolved when the container started: a later ConfigMap edit shows only in the next run.
    h.ctx.api.mutate('ConfigMap', 'default', 'cfg', (c) => void (c.data = { mode: 'slow' }));
    expect(run('printenv', 'MODE').stdout).toBe('fast\n');

    h.advance(20_000);
    expect(h.status('app').restartCount).toBe(1);
    expect(h.status('app').state.running).toBeDefined();
    expect(run('cat', '/tmp/note')).toEqual({ stdout: '', stderr: 'cat: can\'t open \'/tmp/note\': No such file or directory\n', exitCode: 1 });
    expect(run('printenv', 'MODE').stdout).toBe('slow\n');
    expect(run('cat', '/etc/hosts').stdout).toContain(`${ip}\tapp\n`);
  });

  it('a container nobody reads still answers with its files once asked (nginx serves its index page)', () => {
    const h = harness();
    h.create(podObject('web', 'nginx:1.25'));
    h.advance(10_000);
    const r = h.runtime.serve('default', 'web', 80, 'TCP', { path: '/' });
    expect(r?.container).toBe('web');
    expect(r?.http?.status).toBe(200);
    expect(r?.http?.body).toContain('<title>Welcome to nginx!</title>');
  });
});
