import { describe, expect, it } from 'vitest';
import { harness, podObject } from './testing';
import { qosClass } from './qos';
import { normalizeImage, ImageCatalog } from './images';

describe('environment and volumes', () => {
  it('CreateContainerConfigError for a missing ConfigMap, then for a missing key; starts once both exist', () => {
    const h = harness();
    h.create(podObject('app', 'nginx:1.25', { env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }] }));
    h.advance(5000);
    expect(h.status('app').state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' });
    expect(h.events('app')).toContain('Failed: Error: configmap "cfg" not found');
    h.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { other: 'x' } });
    h.advance(10_000);
    expect(h.status('app').state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: "couldn't find key mode in ConfigMap default/cfg" });
    h.ctx.api.mutate('ConfigMap', 'default', 'cfg', (c) => void (c.data = { mode: 'fast' }));
    h.advance(10_000);
    expect(h.pod('app')!.status.phase).toBe('Running');
    expect(h.runtime.exec('default', 'app', undefined, ['printenv', 'MODE'])).toEqual({ stdout: 'fast\n', stderr: '', exitCode: 0 });
  });

  it('a missing Secret says secret "x" not found; optional refs are skipped', () => {
    const h = harness();
    h.create(podObject('s', 'nginx:1.25', { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }] }));
    h.create(podObject('o', 'nginx:1.25', { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'pw', optional: true } } }] }));
    h.advance(5000);
    expect(h.status('s').state.waiting.message).toBe('secret "db" not found');
    expect(h.pod('o')!.status.phase).toBe('Running');
  });

  it('resolves value, $(VAR) expansion, envFrom with prefix, fieldRef and resourceFieldRef', () => {
    const h = harness();
    h.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { color: 'blue', size: 'L' } });
    h.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { password: btoa('s3cret') } });
    h.create(
      podObject('env', 'busybox:1.36', {
        command: ['sh', '-c', 'echo "$(GREETING) $NAME_SPACE"; sleep 3600'],
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
        env: [
          { name: 'WHO', value: 'world' },
          { name: 'GREETING', value: 'hello $(WHO) $(NOPE) $$(WHO)' },
          { name: 'NAME_SPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        ],
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      }),
    );
    h.advance(5000);
    const run = (...argv: string[]) => h.runtime.exec('default', 'env', undefined, argv).stdout;
    expect(run('printenv', 'CFG_color', 'CFG_size', 'GREETING', 'NAME_SPACE', 'NODE', 'PW', 'MEM', 'CPU')).toBe(
      'blue\nL\nhello world $(NOPE) $(WHO)\ndefault\nnode-1\ns3cret\n128\n250\n',
    );
    expect(run('printenv', 'MY_POD_IP')).toBe(`${h.pod('env')!.status.podIP}\n`);
    expect(run('hostname')).toBe('env\n');
    // $(VAR) in the command is expanded by the kubelet before the shell sees it.
    // (and so is a $(NOPE) it could not resolve: the shell then runs it as a command substitution, as on a real node)
    expect(h.runtime.logs('default', 'env', undefined)).toBe('sh: NOPE: not found\nsh: WHO: not found\nhello world   default\n');
  });

  it('configMap, secret, emptyDir and downwardAPI volumes are readable through exec', () => {
    const h = harness();
    h.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site' }, data: { 'index.html': '<h1>hi</h1>\n' } });
    h.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, stringData: { 'tls.key': 'KEY' } });
    h.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'vols', labels: { app: 'demo' } },
      spec: {
        nodeName: 'node-1',
        volumes: [
          { name: 'site', configMap: { name: 'site' } },
          { name: 'tls', secret: { secretName: 'tls' } },
          { name: 'shared', emptyDir: {} },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            volumeMounts: [
              { name: 'site', mountPath: '/usr/share/nginx/html' },
              { name: 'tls', mountPath: '/etc/tls' },
              { name: 'shared', mountPath: '/shared' },
              { name: 'info', mountPath: '/etc/podinfo' },
            ],
          },
          { name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'while true; do date >> /out/log; sleep 5; done'], volumeMounts: [{ name: 'shared', mountPath: '/out' }] },
        ],
      },
    });
    h.advance(12_000);
    const run = (...argv: string[]) => h.runtime.exec('default', 'vols', 'web', argv);
    expect(run('cat', '/usr/share/nginx/html/index.html').stdout).toBe('<h1>hi</h1>\n');
    expect(run('cat', '/etc/tls/tls.key').stdout).toBe('KEY');
    expect(run('cat', '/etc/podinfo/labels').stdout).toBe('app="demo"');
    expect(run('ls', '/etc/tls').stdout).toBe('tls.key\n');
    expect(run('cat', '/shared/log').stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
    expect(run('sh', '-c', 'echo x > /etc/tls/new')).toEqual({ stdout: '', stderr: "sh: can't create /etc/tls/new: Read-only file system\n", exitCode: 1 });
    expect(run('cat', '/nope')).toEqual({ stdout: '', stderr: "cat: can't open '/nope': No such file or directory\n", exitCode: 1 });
    // nginx serves the mounted page.
    expect(h.runtime.serve('default', 'vols', 80, 'TCP', { path: '/' })).toEqual({ container: 'web', http: { status: 200, body: '<h1>hi</h1>\n' } });
    expect(h.runtime.serve('default', 'vols', 80, 'TCP', { path: '/missing' })!.http!.status).toBe(404);
  });

  it('a missing ConfigMap volume leaves the pod ContainerCreating with FailedMount', () => {
    const h = harness();
    h.create(podObject('m', 'nginx:1.25', { volumeMounts: [{ name: 'c', mountPath: '/c' }] }, { volumes: [{ name: 'c', configMap: { name: 'absent' } }] }));
    h.advance(5000);
    expect(h.events('m')).toEqual(['FailedMount: MountVolume.SetUp failed for volume "c" : configmap "absent" not found']);
    expect(h.status('m').state.waiting.reason).toBe('ContainerCreating');
  });
});

describe('the container runtime', () => {
  it('web images answer with their pod name and log requests; usage follows requests served', () => {
    const h = harness();
    h.create(podObject('web-1', 'web:2'));
    h.create(podObject('php', 'registry.k8s.io/hpa-example', {}, {}));
    h.advance(10_000);
    expect(h.runtime.serve('default', 'web-1', 8080, 'TCP', { path: '/' })).toEqual({ container: 'web', http: { status: 200, body: 'Hello from web-1 (web:2)\n' } });
    expect(h.runtime.serve('default', 'web-1', 9999, 'TCP', { path: '/' })).toBeUndefined();
    expect(h.runtime.logs('default', 'web-1', undefined)).toContain('"GET / HTTP/1.1" 200 25');
    const idle = h.runtime.usage('default', 'php')!;
    for (let i = 0; i < 1000; i++) h.runtime.serve('default', 'php', 80, 'TCP', { path: '/' });
    const busy = h.runtime.usage('default', 'php')!;
    expect(idle.cpuMillis).toBe(1);
    expect(busy.cpuMillis).toBe(501);
    (h.ctx.services.get('cluster') as any).usage.set('default/php', { cpu: '750m', memory: '100Mi' });
    expect(h.runtime.usage('default', 'php')).toEqual({ cpuMillis: 750, memoryBytes: 100 * 1024 * 1024 });
  });

  it('exec answers like kubectl exec for missing containers and images without a shell', () => {
    const h = harness();
    h.create(podObject('echo', 'hashicorp/http-echo', { args: ['-text=hello world'] }));
    h.advance(5000);
    expect(h.runtime.serve('default', 'echo', 5678, 'TCP', { path: '/' })!.http).toEqual({ status: 200, body: 'hello world\n' });
    expect(h.runtime.exec('default', 'echo', undefined, ['sh']).exitCode).toBe(126);
    expect(h.runtime.exec('default', 'echo', 'nope', ['ls']).stderr).toBe('Error from server (BadRequest): container nope is not valid for pod echo\n');
    expect(h.runtime.exec('default', 'echo', undefined, ['wget', '-qO-', 'http://x']).stderr).toBe('wget: network commands are not available\n');
  });

  it('agnhost serve-hostname answers its hostname on 9376', () => {
    const h = harness();
    h.create(podObject('hostnames-abc', 'registry.k8s.io/e2e-test-images/agnhost:2.40', { args: ['serve-hostname'] }));
    h.advance(5000);
    expect(h.runtime.serve('default', 'hostnames-abc', 9376, 'TCP', { path: '/' })!.http!.body).toBe('hostnames-abc');
  });
});

describe('qosClass', () => {
  const spec = (...res: any[]) => ({ containers: res.map((resources, i) => ({ name: `c${i}`, resources })) });
  it('is Guaranteed, Burstable or BestEffort as Kubernetes computes it', () => {
    expect(qosClass(spec({}))).toBe('BestEffort');
    expect(qosClass(spec({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(qosClass(spec({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(qosClass(spec({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }))).toBe('Burstable');
    expect(qosClass(spec({ requests: { cpu: '100m' } }))).toBe('Burstable');
    expect(qosClass(spec({ limits: { cpu: '1', memory: '1Gi' } }, {}))).toBe('Burstable');
    expect(qosClass(spec({ limits: { cpu: '1' } }))).toBe('Burstable');
  });
});

describe('image references', () => {
  it('normalise as containerd does', () => {
    const full = (s: string) => {
      const r = normalizeImage(s);
      return 'error' in r ? r.error : r.full;
    };
    expect(full('nginx')).toBe('docker.io/library/nginx:latest');
    expect(full('nginx:1.25')).toBe('docker.io/library/nginx:1.25');
    expect(full('hashicorp/http-echo')).toBe('docker.io/hashicorp/http-echo:latest');
    expect(full('registry.k8s.io/pause:3.9')).toBe('registry.k8s.io/pause:3.9');
    expect(full('localhost:5000/app:v1')).toBe('localhost:5000/app:v1');
    expect(full('Nginx')).toBe('Failed to apply default image tag "Nginx": couldn\'t parse image reference "Nginx": invalid reference format: repository name must be lowercase');
  });

  it('has every bootstrap image and gives stable image IDs', () => {
    const cat = new ImageCatalog();
    for (const i of ['registry.k8s.io/etcd:3.5.12-0', 'registry.k8s.io/kube-apiserver:v1.30.2', 'registry.k8s.io/coredns/coredns:v1.11.1', 'docker.io/flannel/flannel:v0.25.1', 'registry.k8s.io/kube-proxy:v1.30.2']) {
      const r = normalizeImage(i);
      expect('error' in r ? undefined : cat.lookup(r)?.system).toBe(true);
    }
    const r = normalizeImage('nginx:1.25') as any;
    expect(cat.imageID(r)).toBe(cat.imageID(normalizeImage('docker.io/library/nginx:1.25') as any));
    expect(cat.lookup(normalizeImage('nginx:9.99') as any)).toBeUndefined();
  });
});
