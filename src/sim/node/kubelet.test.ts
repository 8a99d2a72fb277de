import { describe, expect, it } from 'vitest';
import { harness, podObject, type Harness } from './testing';

/** Record every change of a pod's first container status: `12.3s running restarts=1`. */
function watchStates(h: Harness, name: string, container?: string): string[] {
  const out: string[] = [];
  let last = '';
  h.ctx.store.watch('Pod', (c) => {
    if (c.object.metadata.name !== name || c.type === 'DELETED') return;
    const all = [...(c.object.status?.initContainerStatuses ?? []), ...(c.object.status?.containerStatuses ?? [])];
    const s = container ? all.find((x: any) => x.name === container) : all[0];
    if (!s) return;
    const state = Object.keys(s.state)[0];
    const why = s.state[state]?.reason ?? '';
    const line = `${state}${why ? `(${why})` : ''} restarts=${s.restartCount} ready=${s.ready}`;
    if (line !== last) out.push(`${h.ctx.clock.now / 1000}s ${line}`);
    last = line;
  });
  return out;
}

describe('pod start', () => {
  it('pulls, creates and starts with the kubelet events and a full status', () => {
    const h = harness();
    h.create(podObject('web', 'nginx:1.25'));
    h.advance(10_000);
    expect(h.events('web')).toEqual([
      'Pulling: Pulling image "nginx:1.25"',
      'Pulled: Successfully pulled image "nginx:1.25" in 1.984s (1.984s including waiting). Image size: 70000000 bytes.',
      'Created: Created container web',
      'Started: Started container web',
    ]);
    const p = h.pod('web')!;
    expect(p.status.phase).toBe('Running');
    expect(p.status.podIP).toBe('10.244.1.2');
    expect(p.status.hostIP).toBe('192.168.49.11');
    expect(p.status.qosClass).toBe('BestEffort');
    expect(p.status.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const s = h.status('web');
    expect(s.image).toBe('docker.io/library/nginx:1.25');
    expect(s.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(s.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(s).toMatchObject({ name: 'web', ready: true, started: true, restartCount: 0, lastState: {}, state: { running: { startedAt: '2025-01-01T09:00:02Z' } } });
    // The node now reports the image.
    const node = h.ctx.store.get('Node', undefined, 'node-1')!;
    expect(node.status.images.some((i: any) => i.names.includes('docker.io/library/nginx:1.25') && i.sizeBytes === 70_000_000)).toBe(true);
  });

  it('shows ContainerCreating until started, then reuses the cached image', () => {
    const h = harness();
    const states = watchStates(h, 'a');
    h.create(podObject('a', 'nginx:1.25'));
    h.advance(5000);
    expect(states).toEqual(['0s waiting(ContainerCreating) restarts=0 ready=false', '2.394s running restarts=0 ready=true']);
    h.create(podObject('b', 'nginx:1.25'));
    h.advance(5000);
    expect(h.events('b')).toEqual(['Pulled: Container image "nginx:1.25" already present on machine', 'Created: Created container web', 'Started: Started container web']);
  });

  it('serialises pulls: the second one says how long it waited', () => {
    const h = harness();
    h.create(podObject('a', 'redis:7'));
    h.create(podObject('b', 'mongo:7'));
    h.advance(20_000);
    const pulled = h.events('b').find((e) => e.startsWith('Pulled'))!;
    const m = /in ([\d.]+)s \(([\d.]+)s including waiting\)/.exec(pulled)!;
    expect(Number(m[2])).toBeGreaterThan(Number(m[1]));
    expect(h.pod('b')!.status.phase).toBe('Running');
  });
});

describe('images that cannot be pulled', () => {
  it('goes ErrImagePull then ImagePullBackOff with containerd-shaped messages, retrying with back-off', () => {
    const h = harness();
    const states = watchStates(h, 'typo');
    h.create(podObject('typo', 'ngnix'));
    h.advance(3000);
    expect(h.events('typo')).toEqual([
      'Pulling: Pulling image "ngnix"',
      'Failed: Failed to pull image "ngnix": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": docker.io/library/ngnix:latest: not found',
      'Failed: Error: ErrImagePull',
      'BackOff: Back-off pulling image "ngnix"',
      'Failed: Error: ImagePullBackOff',
    ]);
    expect(h.status('typo').state.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "ngnix"' });
    expect(h.status('typo').image).toBe('ngnix');
    expect(h.status('typo').imageID).toBe('');
    h.advance(120_000);
    // Pull attempts back off 10 s, 20 s, 40 s, …
    const pulls = h.ctx.events.list().find((e) => e.reason === 'Pulling' && e.involvedObject.name === 'typo')!;
    expect(pulls.count).toBe(4);
    expect(states.slice(0, 3).map((s) => s.split(' ')[1])).toEqual(['waiting(ContainerCreating)', 'waiting(ErrImagePull)', 'waiting(ImagePullBackOff)']);
  });

  it('fixing the image in the spec starts the container', () => {
    const h = harness();
    h.create(podObject('typo', 'ngnix'));
    h.advance(5000);
    h.ctx.api.mutate('Pod', 'default', 'typo', (p) => {
      p.spec.containers[0].image = 'nginx';
    });
    h.advance(5000);
    expect(h.pod('typo')!.status.phase).toBe('Running');
    expect(h.status('typo').image).toBe('docker.io/library/nginx:latest');
  });

  it('imagePullPolicy Never without the image is ErrImageNeverPull; an invalid name is InvalidImageName', () => {
    const h = harness();
    h.create(podObject('never', 'web:1', { imagePullPolicy: 'Never' }));
    h.create(podObject('bad', 'Nginx'));
    h.advance(3000);
    expect(h.status('never').state.waiting).toEqual({ reason: 'ErrImageNeverPull', message: 'Container image "web:1" is not present with pull policy of Never' });
    expect(h.status('bad').state.waiting.reason).toBe('InvalidImageName');
    expect(h.status('bad').state.waiting.message).toContain('couldn\'t parse image reference "Nginx"');
  });
});

describe('restarts', () => {
  it('backs off a crashing container 10, 20, 40, 80, 160, 300, 300 s (CrashLoopBackOff)', () => {
    const h = harness();
    h.create(podObject('crash', 'web:crash'));
    const starts: string[] = [];
    const ends: string[] = [];
    let last = '';
    h.ctx.store.watch('Pod', (c) => {
      if (c.type === 'DELETED') return;
      const s = c.object.status?.containerStatuses?.[0];
      const k = s ? Object.keys(s.state)[0] : '';
      if (k !== last && k === 'running') starts.push(c.object.status.containerStatuses[0].state.running.startedAt);
      if (k !== last && k === 'terminated') ends.push(c.object.status.containerStatuses[0].state.terminated.finishedAt);
      last = k;
    });
    h.advance(20 * 60_000);
    const t = (iso: string) => h.ctx.clock.parseIso(iso) / 1000;
    const gaps = starts.slice(1).map((s, i) => t(s) - t(ends[i]));
    expect(gaps.slice(0, 8)).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
    const s = h.status('crash');
    expect(s.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(h.events('crash')).toContain(`BackOff: Back-off restarting failed container web in pod crash_default(${h.pod('crash')!.metadata.uid})`);
  });

  it('shows CrashLoopBackOff with the kubelet message while waiting', () => {
    const h = harness();
    h.create(podObject('crash', 'web:crash'));
    h.advance(6000);
    const s = h.status('crash');
    expect(s.state.waiting).toEqual({ reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=web pod=crash_default(${h.pod('crash')!.metadata.uid})` });
    expect(s.restartCount).toBe(1);
    expect(h.runtime.logs('default', 'crash', undefined, { previous: true })).toBe('web:crash listening on :8080\nfatal: web:crash crashed on purpose (exit code 1)\n');
  });

  it('resets the back-off after 10 minutes of running', () => {
    const h = harness();
    const script = 'if [ -f /flag/long ]; then rm -f /flag/long; sleep 700; fi; exit 3';
    h.create(
      podObject('flaky', 'busybox:1.36', { command: ['sh', '-c', script], volumeMounts: [{ name: 'flag', mountPath: '/flag' }] }, { volumes: [{ name: 'flag', hostPath: { path: '/tmp/flag' } }] }),
    );
    const starts: number[] = [];
    let last = -1;
    h.ctx.store.watch('Pod', (c) => {
      const n = c.type !== 'DELETED' ? c.object.status?.containerStatuses?.[0]?.restartCount : undefined;
      if (n !== undefined && n !== last) starts.push(h.ctx.clock.now);
      if (n !== undefined) last = n;
    });
    h.advance(100_000);
    h.kubelets.get('node-1')!.hostPathData('/tmp/flag').set('long', '1');
    h.advance(1_500_000);
    const gaps = starts.slice(1).map((t, i) => Math.round((t - starts[i]) / 1000));
    // (the first gap includes the first pull) 10, 20, 40, 80 s of back-off, then one run of 700 s;
    // it restarts at once (700 after the previous start), and the back-off starts again at 10 s, not 300 s.
    expect(gaps.slice(1, 8)).toEqual([9, 20, 40, 80, 700, 10, 20]);
  });

  it('restartPolicy Never: exit 0 is Succeeded, exit 1 is Failed; OnFailure restarts only failures', () => {
    const h = harness();
    h.create(podObject('ok', 'busybox', { command: ['sh', '-c', 'echo done'] }, { restartPolicy: 'Never' }));
    h.create(podObject('bad', 'busybox', { command: ['sh', '-c', 'exit 2'] }, { restartPolicy: 'Never' }));
    h.create(podObject('retry', 'busybox', { command: ['sh', '-c', 'exit 2'] }, { restartPolicy: 'OnFailure' }));
    h.create(podObject('once', 'busybox', { command: ['sh', '-c', 'exit 0'] }, { restartPolicy: 'OnFailure' }));
    h.create(podObject('always', 'busybox', { command: ['sh', '-c', 'exit 0'] }));
    h.advance(30_000);
    expect(h.pod('ok')!.status.phase).toBe('Succeeded');
    expect(h.status('ok').state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(h.pod('ok')!.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(h.runtime.logs('default', 'ok', undefined)).toBe('done\n');
    expect(h.pod('bad')!.status.phase).toBe('Failed');
    expect(h.status('bad').state.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(h.pod('retry')!.status.phase).toBe('Running');
    expect(h.status('retry').restartCount).toBeGreaterThan(1);
    expect(h.pod('once')!.status.phase).toBe('Succeeded');
    expect(h.status('once').restartCount).toBe(0);
    expect(h.pod('always')!.status.phase).toBe('Running');
    expect(h.status('always').state.waiting.reason).toBe('CrashLoopBackOff');
    expect(h.status('always').lastState.terminated.reason).toBe('Completed');
  });

  it('busybox with no command exits at once and crash-loops, as on a real cluster', () => {
    const h = harness();
    h.create(podObject('bb', 'busybox'));
    h.advance(15_000);
    // exits at once; restarted at once; exits again; back-off 10 s; restarted; back-off 20 s.
    expect(h.status('bb').restartCount).toBe(2);
    expect(h.status('bb').lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(h.status('bb').state.waiting.reason).toBe('CrashLoopBackOff');
  });

  it('OOMKills a container that allocates over its memory limit', () => {
    const h = harness();
    h.create(
      podObject('mem', 'polinux/stress', {
        command: ['stress'],
        args: ['--vm', '1', '--vm-bytes', '250M', '--vm-hang', '1'],
        resources: { limits: { memory: '100Mi' }, requests: { memory: '50Mi' } },
      }),
    );
    h.advance(5000);
    const s = h.status('mem');
    expect(s.lastState.terminated ?? s.state.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(h.pod('mem')!.status.qosClass).toBe('Burstable');
  });

  it('mysql without a root password exits 1 with its entrypoint message', () => {
    const h = harness();
    h.create(podObject('db', 'mysql:8.0'));
    h.advance(8000);
    expect(h.status('db').restartCount).toBeGreaterThanOrEqual(1);
    expect(h.runtime.logs('default', 'db', undefined, { previous: true })).toContain('Database is uninitialized and password option is not specified');
    h.create(podObject('db2', 'mysql:8.0', { env: [{ name: 'MYSQL_ROOT_PASSWORD', value: 'x' }] }));
    h.advance(15_000);
    expect(h.pod('db2')!.status.phase).toBe('Running');
    expect(h.status('db2').restartCount).toBe(0);
  });

  it('a command the image does not have is a StartError with exit code 128', () => {
    const h = harness();
    h.create(podObject('nope', 'busybox', { command: ['frobnicate'] }, { restartPolicy: 'Never' }));
    h.advance(5000);
    expect(h.status('nope').state.terminated).toMatchObject({ exitCode: 128, reason: 'StartError' });
    expect(h.pod('nope')!.status.phase).toBe('Failed');
  });
});

describe('probes', () => {
  it('restarts the liveness image once /healthz starts failing', () => {
    const h = harness();
    h.create(
      podObject('liveness-http', 'registry.k8s.io/liveness', {
        name: 'liveness',
        args: ['/server'],
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 3, periodSeconds: 3 },
      }),
    );
    h.advance(25_000);
    const ev = h.events('liveness-http');
    expect(ev).toContain('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(ev).toContain('Killing: Container liveness failed liveness probe, will be restarted');
    expect(h.status('liveness-http').restartCount).toBe(1);
  });

  it('the readiness exec example flips Ready on and off', () => {
    const h = harness();
    h.create(
      podObject('goproxy', 'busybox', {
        args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
        readinessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
      }),
    );
    const states = watchStates(h, 'goproxy');
    h.advance(60_000);
    expect(states.map((s) => s.replace(/^[\d.]+s /, ''))).toEqual([
      'waiting(ContainerCreating) restarts=0 ready=false',
      'running restarts=0 ready=false',
      'running restarts=0 ready=true',
      'running restarts=0 ready=false',
    ]);
    expect(h.events('goproxy')).toContain("Unhealthy: Readiness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    expect(h.pod('goproxy')!.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
  });

  it('the liveness exec example is killed after the grace period and restarted', () => {
    const h = harness();
    h.create(
      podObject('liveness-exec', 'registry.k8s.io/busybox', {
        name: 'liveness',
        args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
      }),
    );
    h.advance(120_000);
    const s = h.status('liveness-exec');
    expect(s.restartCount).toBe(1);
    expect(s.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  });
});

describe('node status images', () => {
  it('lists each newly pulled image in size order, and a pod of an image already there leaves the list as it was', () => {
    const h = harness();
    const images = () => h.ctx.store.get('Node', undefined, 'node-1')!.status.images as { names: string[]; sizeBytes: number }[];
    const line = (i: { names: string[]; sizeBytes: number }) => `${i.names.at(-1)} ${i.sizeBytes}`;
    const before = images().map(line);
    expect(before).toHaveLength(15);
    h.create(podObject('a', 'nginx:1.25'));
    h.advance(5000);
    const one = images().map(line);
    expect(one[1]).toBe('docker.io/library/nginx:1.25 70000000');
    expect(one.filter((_, i) => i !== 1)).toEqual(before);
    h.create(podObject('b', 'busybox:1.36'));
    h.advance(5000);
    const two = images().map(line);
    expect(two[13]).toBe('docker.io/library/busybox:1.36 2160000');
    expect(two.filter((_, i) => i !== 13)).toEqual(one);
    // nginx:1.25 is present: the next pod pulls nothing new and the node reports the same images.
    h.create(podObject('c', 'nginx:1.25'));
    h.advance(5000);
    expect(images().map(line)).toEqual(two);
    expect(images()[1].names[0]).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  });
});
