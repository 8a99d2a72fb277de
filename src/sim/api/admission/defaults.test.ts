import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';
import type { KObject } from '../types';

function applied(yaml: string, kind: string, name: string, namespace?: string): KObject {
  const c = createCluster();
  const r = c.apply(yaml);
  expect(r.map((x) => x.error?.message)).toEqual(r.map(() => undefined));
  return c.get(kind, name, namespace)!;
}

describe('defaults', () => {
  it('fills a Pod in as the API server does, requests from limits and canonical quantities included', () => {
    const pod = applied(
      `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80}]
    resources: {limits: {cpu: 0.5, memory: 1.5Gi}}
    livenessProbe: {httpGet: {port: 80}}
`,
      'pod',
      'web',
    );
    expect(pod.spec).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '500m', memory: '1536Mi' } },
          livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'Always',
        },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    expect(pod.status).toMatchObject({ qosClass: 'Guaranteed' });
  });

  it('pulls a tagged image IfNotPresent, keeps a pod\'s own not-ready toleration', () => {
    const pod = applied(
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 10}]
  containers: [{name: a, image: "registry.local:5000/app:1.2"}]
`,
      'pod',
      'p',
    );
    expect(pod.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(pod.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(pod.status.qosClass).toBe('BestEffort');
  });

  it('fills a Deployment and its template, but no Pod-only fields in the template', () => {
    const d = applied(
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: a, image: "nginx:1.25", resources: {limits: {cpu: "1"}}}]
`,
      'deploy',
      'd',
    );
    expect(d.spec).toEqual({
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          containers: [
            { name: 'a', image: 'nginx:1.25', resources: { limits: { cpu: '1' } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          terminationGracePeriodSeconds: 30,
          securityContext: {},
        },
      },
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('DaemonSet, StatefulSet and CronJob defaults', () => {
    const tpl = `  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: a, image: busybox}]\n`;
    const ds = applied(`apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {app: x}}\n${tpl}`, 'ds', 'x');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    const sts = applied(`apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  serviceName: x\n  selector: {matchLabels: {app: x}}\n${tpl}`, 'sts', 'x');
    expect(sts.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const cj = applied(
      `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: a, image: busybox}]\n`,
      'cj',
      'x',
    );
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    expect(cj.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
  });

  it('generates a Job\'s selector from its uid and labels its pods with it', () => {
    const job = applied(
      `apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: pi, image: perl}]\n`,
      'job',
      'pi',
    );
    const uid = job.metadata.uid;
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    expect(job.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(job.spec.template.metadata.labels).toEqual({ 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi' });
    expect(job.spec.manualSelector).toBeUndefined();
  });

  it('Service defaults: ClusterIP, targetPort = port, TCP, traffic policies, IP families', () => {
    const svc = applied(`apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80}]\n`, 'svc', 'web');
    expect(svc.spec).toMatchObject({
      type: 'NodePort',
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 80, protocol: 'TCP' });
  });

  it('Namespace, Secret, PVC, NetworkPolicy, LimitRange and HPA (converted from autoscaling/v1)', () => {
    const c = createCluster();
    const r = c.apply(`apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {password: "pä55"}
data: {user: YWRtaW4=}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1000Mi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector: {}
  egress: [{ports: [{port: 53}]}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits: [{type: Container, max: {cpu: "1"}, defaultRequest: {memory: 64Mi}}]
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: my-autoscaler}
spec:
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
  scaleTargetRef: {kind: Deployment, name: my-deployment, apiVersion: apps/v1}
`);
    expect(r.map((x) => x.error)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    const ns = c.get('ns', 'team-a')!;
    expect([ns.spec, ns.status, ns.metadata.labels]).toEqual([{ finalizers: ['kubernetes'] }, { phase: 'Active' }, { 'kubernetes.io/metadata.name': 'team-a' }]);
    const secret = c.get('secret', 's')!;
    expect([secret.type, secret.data, secret.stringData]).toEqual(['Opaque', { user: 'YWRtaW4=', password: 'cMOkNTU=' }, undefined]);
    const pvc = c.get('pvc', 'data')!;
    expect([pvc.spec.volumeMode, pvc.spec.resources.requests.storage, pvc.status.phase]).toEqual(['Filesystem', '1000Mi', 'Pending']);
    expect(c.get('netpol', 'np')!.spec).toEqual({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
    expect(c.get('limits', 'lr')!.spec.limits).toEqual([{ type: 'Container', max: { cpu: '1' }, default: { cpu: '1' }, defaultRequest: { memory: '64Mi', cpu: '1' } }]);
    const hpa = c.get('hpa', 'my-autoscaler')!;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      minReplicas: 2,
      maxReplicas: 5,
      scaleTargetRef: { kind: 'Deployment', name: 'my-deployment', apiVersion: 'apps/v1' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
  });

  it('LimitRanger fills missing container resources and notes it; refuses a pod over the maximum', () => {
    const c = createCluster();
    c.apply(`apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits: [{type: Container, max: {cpu: "1"}, default: {cpu: 500m}, defaultRequest: {cpu: 100m, memory: 64Mi}}]\n`);
    expect(c.apply(`apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: web, image: nginx}]\n`)[0].error).toBeUndefined();
    const pod = c.get('pod', 'a')!;
    expect(pod.spec.containers[0].resources).toEqual({ limits: { cpu: '500m' }, requests: { cpu: '100m', memory: '64Mi' } });
    expect(pod.metadata.annotations!['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu, memory request for container web; cpu limit for container web');
    expect(pod.status.qosClass).toBe('Burstable');
    const [r] = c.apply(`apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: web, image: nginx, resources: {limits: {cpu: "2"}}}]\n`);
    expect(r.error!.message).toBe('Error from server (Forbidden): pods "b" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
    expect(c.get('pod', 'b')).toBeUndefined();
  });
});
