import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

describe('kubectl run', () => {
  it('prints the pod kubectl would create in a client dry run', () => {
    const c = createCluster();
    expect(c.kubectl('run nginx --image=nginx --dry-run=client -o yaml').stdout).toBe(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  creationTimestamp: null',
        '  labels:',
        '    run: nginx',
        '  name: nginx',
        'spec:',
        '  containers:',
        '  - image: nginx',
        '    name: nginx',
        '    resources: {}',
        '  dnsPolicy: ClusterFirst',
        '  restartPolicy: Always',
        'status: {}',
        '',
      ].join('\n'),
    );
    expect(c.get('pod', 'nginx')).toBeUndefined();
  });

  it('creates a pod with ports, env, labels, restart policy and command', () => {
    const c = createCluster();
    expect(c.kubectl('run web --image=nginx:1.25 --port=80 --env=A=1 --env=B=two --labels=app=web,tier=fe --restart=Never')).toEqual({ stdout: 'pod/web created\n', stderr: '', exitCode: 0 });
    const pod = c.get('pod', 'web') as any;
    expect(pod.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.containers[0]).toMatchObject({ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }] });
    c.kubectl('run sleeper --image=busybox --command -- sleep 3600');
    expect((c.get('pod', 'sleeper') as any).spec.containers[0].command).toEqual(['sleep', '3600']);
    c.kubectl('run echo --image=busybox -- echo hi');
    expect((c.get('pod', 'echo') as any).spec.containers[0].args).toEqual(['echo', 'hi']);
    expect((c.get('pod', 'echo') as any).metadata.labels).toEqual({ run: 'echo' });
  });

  it('with --expose also creates a ClusterIP Service on the port', () => {
    const c = createCluster();
    expect(c.kubectl('run web --image=nginx --port=80 --expose').stdout).toBe('service/web created\npod/web created\n');
    expect((c.get('svc', 'web') as any).spec).toMatchObject({ selector: { run: 'web' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
    expect(c.kubectl('run x --image=nginx --expose').stderr).toBe('error: --port must be set when exposing a service\n');
  });

  it("answers kubectl's errors", () => {
    const c = createCluster();
    expect(c.kubectl('run x').stderr).toBe('error: required flag(s) "image" not set\n');
    expect(c.kubectl('run --image=nginx').stderr).toBe('error: NAME is required for run\n');
    expect(c.kubectl('run x --image=nginx --restart=Sometimes').stderr).toBe('error: invalid restart policy: Sometimes\n');
    expect(c.kubectl('run x --image=nginx --rm').stderr).toBe('error: --rm should only be used for attached containers\n');
    c.kubectl('run x --image=nginx');
    expect(c.kubectl('run x --image=nginx').stderr).toBe('Error from server (AlreadyExists): pods "x" already exists\n');
  });

  it('with -it creates the pod and says where interactive sessions run', () => {
    const c = createCluster();
    const r = c.kubectl('run tmp --rm -it --image=busybox -- sh');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('pod/tmp created\n');
    expect(r.stderr).toContain('interactive sessions run in the console');
    expect((c.get('pod', 'tmp') as any).spec.containers[0]).toMatchObject({ stdin: true, tty: true });
  });
});

describe('kubectl create (generators)', () => {
  it('creates a deployment as kubectl builds it', () => {
    const c = createCluster();
    expect(c.kubectl('create deployment web --image=nginx:1.25 --replicas=3 --port=80').stdout).toBe('deployment.apps/web created\n');
    const d = c.get('deploy', 'web') as any;
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] });
    const dry = c.kubectl('create deploy api --image=registry.example.com/team/api-server:2@sha256:abc --dry-run=client -o yaml').stdout;
    expect(dry).toContain('  labels:\n    app: api\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: api\n  strategy: {}\n');
    expect(dry).toContain('      - image: registry.example.com/team/api-server:2@sha256:abc\n        name: api-server\n');
    expect(c.kubectl('create deployment web').stderr).toBe('error: required flag(s) "image" not set\n');
    expect(c.kubectl('create deployment --image=nginx').stderr).toBe('error: exactly one NAME is required, got 0\n');
  });

  it('creates configmaps and secrets from literals and from stdin', () => {
    const c = createCluster();
    expect(c.kubectl('create configmap cfg --from-literal=a=1 --from-literal=b=two').stdout).toBe('configmap/cfg created\n');
    expect((c.get('cm', 'cfg') as any).data).toEqual({ a: '1', b: 'two' });
    c.kubectl('create cm files --from-file=app.conf=./app.conf', { stdin: 'port=80\n' });
    expect((c.get('cm', 'files') as any).data).toEqual({ 'app.conf': 'port=80\n' });
    expect(c.kubectl('create secret generic db --from-literal=password=hunter2').stdout).toBe('secret/db created\n');
    const s = c.get('secret', 'db') as any;
    expect(s.data).toEqual({ password: 'aHVudGVyMg==' });
    expect(s.type).toBe('Opaque');
    expect(c.kubectl('create secret tls x --cert=a --key=b').stderr).toContain('Podium has no file system');
  });

  it('creates namespaces, service accounts, jobs and services', () => {
    const c = createCluster();
    expect(c.kubectl('create namespace team-a').stdout).toBe('namespace/team-a created\n');
    expect(c.kubectl('create sa robot -n team-a').stdout).toBe('serviceaccount/robot created\n');
    expect(c.get('sa', 'robot', 'team-a')).toBeDefined();
    expect(c.kubectl('create job hello --image=busybox -- echo hi').stdout).toBe('job.batch/hello created\n');
    const job = c.get('job', 'hello') as any;
    expect(job.spec.template.spec).toMatchObject({ restartPolicy: 'Never', containers: [{ name: 'hello', image: 'busybox', command: ['echo', 'hi'] }] });
    expect(c.kubectl('create service clusterip web --tcp=80:8080').stdout).toBe('service/web created\n');
    expect((c.get('svc', 'web') as any).spec).toMatchObject({ ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' }, type: 'ClusterIP' });
    expect(c.kubectl('create service nodeport np').stderr).toBe('error: at least one tcp port specifier must be provided\n');
  });

  it('creates a job from a cronjob, owned by it and marked manual', () => {
    const c = createCluster();
    c.kubectl('create cronjob tick --image=busybox --schedule="*/5 * * * *" -- date');
    const cj = c.get('cronjob', 'tick') as any;
    expect(cj.spec.schedule).toBe('*/5 * * * *');
    expect(c.kubectl('create job tick-now --from=cronjob/tick').stdout).toBe('job.batch/tick-now created\n');
    const job = c.get('job', 'tick-now') as any;
    expect(job.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(job.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'tick', uid: cj.metadata.uid, controller: true });
    expect(job.spec.template.spec.containers[0].command).toEqual(['date']);
    expect(c.kubectl('create job x --from=cronjob/nope').stderr).toBe('Error from server (NotFound): cronjobs.batch "nope" not found\n');
    expect(c.kubectl('create job x').stderr).toBe('error: either --image or --from must be specified\n');
  });
});

describe('kubectl expose', () => {
  it("exposes a deployment with its selector and labels, and a pod with its labels", () => {
    const c = createCluster();
    c.kubectl('create deployment web --image=nginx --port=8080');
    expect(c.kubectl('expose deployment web --port=80 --target-port=8080 --type=NodePort').stdout).toBe('service/web exposed\n');
    expect((c.get('svc', 'web') as any).spec).toMatchObject({ selector: { app: 'web' }, type: 'NodePort', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
    expect(c.kubectl('expose deploy web --name=web-auto').stdout).toBe('service/web-auto exposed\n');
    expect((c.get('svc', 'web-auto') as any).spec.ports).toEqual([expect.objectContaining({ port: 8080, targetPort: 8080 })]);
    c.kubectl('run solo --image=nginx');
    expect(c.kubectl('expose pod solo').stderr).toBe("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n");
    expect(c.kubectl('expose pod solo --port=80').stdout).toBe('service/solo exposed\n');
    expect((c.get('svc', 'solo') as any).spec.selector).toEqual({ run: 'solo' });
    expect(c.kubectl('expose deploy nope --port=80').stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    c.kubectl('create cm cfg');
    expect(c.kubectl('expose cm cfg --port=80').stderr).toBe('error: cannot expose a ConfigMap\n');
  });
});
