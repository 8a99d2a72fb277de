import { describe, expect, it } from 'vitest';
import { harness, podObject } from './testing';

describe('graceful termination', () => {
  it('a web server stops at SIGTERM and the kubelet removes the pod', () => {
    const h = harness();
    h.create(podObject('web', 'nginx:1.25'));
    h.advance(5000);
    const ip = h.pod('web')!.status.podIP;
    h.ctx.api.delete('Pod', 'default', 'web');
    expect(h.pod('web')!.metadata.deletionTimestamp).toBeDefined();
    h.advance(50);
    expect(h.events('web').slice(-1)).toEqual(['Killing: Stopping container web']);
    expect(h.pod('web')).toBeDefined();
    h.advance(500);
    expect(h.pod('web')).toBeUndefined();
    // The IP went back to the pool: the next pod gets it.
    h.create(podObject('next', 'nginx:1.25'));
    h.advance(3000);
    expect(h.pod('next')!.status.podIP).toBe(ip);
  });

  it('a shell as PID 1 ignores SIGTERM: SIGKILL at the grace period', () => {
    const h = harness();
    h.create(podObject('sleeper', 'busybox:1.36', { command: ['sleep', '3600'] }, { terminationGracePeriodSeconds: 30 }));
    h.advance(5000);
    h.ctx.api.delete('Pod', 'default', 'sleeper');
    h.advance(29_000);
    expect(h.pod('sleeper')).toBeDefined();
    expect(h.status('sleeper').state.running).toBeDefined();
    h.advance(1500);
    expect(h.pod('sleeper')).toBeUndefined();
  });

  it('a pending pod (image still pulling) goes at once', () => {
    const h = harness();
    h.create(podObject('slow', 'mongo:7'));
    h.advance(1500);
    h.ctx.api.delete('Pod', 'default', 'slow');
    h.advance(10);
    expect(h.pod('slow')).toBeUndefined();
    h.advance(20_000);
    expect(h.events('slow').filter((e) => e.startsWith('Started'))).toEqual([]);
  });
});

describe('init containers', () => {
  it('run in order before the app containers', () => {
    const h = harness();
    h.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'myapp' },
      spec: {
        nodeName: 'node-1',
        initContainers: [
          { name: 'init-a', image: 'busybox:1.28', command: ['sh', '-c', 'sleep 2'] },
          { name: 'init-b', image: 'busybox:1.28', command: ['sh', '-c', 'sleep 3'] },
        ],
        containers: [{ name: 'app', image: 'busybox:1.28', command: ['sh', '-c', 'echo The app is running! && sleep 3600'] }],
      },
    });
    h.advance(1500);
    let p = h.pod('myapp')!;
    expect(p.status.phase).toBe('Pending');
    expect(p.status.initContainerStatuses.map((s: any) => Object.keys(s.state)[0])).toEqual(['running', 'waiting']);
    expect(p.status.containerStatuses[0].state.waiting.reason).toBe('PodInitializing');
    expect(p.status.conditions.find((c: any) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init-a init-b]',
    });
    h.advance(3000);
    p = h.pod('myapp')!;
    expect(p.status.initContainerStatuses.map((s: any) => Object.keys(s.state)[0])).toEqual(['terminated', 'running']);
    h.advance(4000);
    p = h.pod('myapp')!;
    expect(p.status.phase).toBe('Running');
    expect(p.status.initContainerStatuses[1].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(h.runtime.logs('default', 'myapp', 'app')).toBe('The app is running!\n');
  });

  it('a failing init container is restarted (Init:CrashLoopBackOff)', () => {
    const h = harness();
    h.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'blocked' },
      spec: { nodeName: 'node-1', initContainers: [{ name: 'wait', image: 'busybox', command: ['sh', '-c', 'exit 1'] }], containers: [{ name: 'app', image: 'nginx' }] },
    });
    h.advance(20_000);
    const s = h.status('blocked', 'wait');
    expect(s.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(h.pod('blocked')!.status.phase).toBe('Pending');
  });
});

describe('node heartbeats', () => {
  it('keeps a Lease renewed every 10 s and reports the kubelet conditions', () => {
    const h = harness();
    const lease = () => h.ctx.store.get('Lease', 'kube-node-lease', 'node-1')!;
    expect(lease().spec).toEqual({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2025-01-01T09:00:00.000000Z' });
    h.advance(25_000);
    expect(lease().spec.renewTime).toBe('2025-01-01T09:00:20.000000Z');
    const node = h.ctx.store.get('Node', undefined, 'node-1')!;
    expect(node.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ]);
    expect(node.status.images.length).toBeGreaterThan(3);
  });

  it('stop() stops renewals and pod work; start() resumes and re-syncs', () => {
    const h = harness();
    const k = h.kubelets.get('node-1')!;
    h.advance(1000);
    k.stop();
    h.create(podObject('web', 'nginx:1.25'));
    h.advance(60_000);
    expect(h.ctx.store.get('Lease', 'kube-node-lease', 'node-1')!.spec.renewTime).toBe('2025-01-01T09:00:00.000000Z');
    expect(h.pod('web')!.status).toBeUndefined();
    k.start();
    expect(h.ctx.store.get('Lease', 'kube-node-lease', 'node-1')!.spec.renewTime).toBe('2025-01-01T09:01:01.000000Z');
    h.advance(5000);
    expect(h.pod('web')!.status.phase).toBe('Running');
  });
});

describe('startup probes and write batching', () => {
  it('a startup probe holds back readiness until it passes', () => {
    const h = harness();
    h.create(
      podObject('slow', 'busybox:1.36', {
        command: ['sh', '-c', 'sleep 12; touch /tmp/started; sleep 3600'],
        startupProbe: { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 5, failureThreshold: 10 },
      }),
    );
    h.advance(10_000);
    expect(h.status('slow')).toMatchObject({ started: false, ready: false });
    expect(h.events('slow')).toContain("Unhealthy: Startup probe failed: cat: can't open '/tmp/started': No such file or directory");
    h.advance(10_000);
    expect(h.status('slow')).toMatchObject({ started: true, ready: true, restartCount: 0 });
  });

  it('a pod start costs two status writes; a hostNetwork pod has the node IP', () => {
    const h = harness();
    let writes = 0;
    h.ctx.store.watch('Pod', (c) => {
      if (c.type === 'MODIFIED') writes++;
    });
    h.create(podObject('net', 'registry.k8s.io/pause:3.9', {}, { hostNetwork: true }));
    h.advance(5000);
    expect(writes).toBe(2);
    expect(h.pod('net')!.status.podIP).toBe('192.168.49.11');
    expect(h.pod('net')!.status.podIPs).toEqual([{ ip: '192.168.49.11' }]);
  });
});
