import { describe, expect, it } from 'vitest';
import { canonicalizeQuantities, decodeErrors, hasSchema } from './schema';
import { RESOURCES, apiVersionOf } from '../resources';
import { parseManifests } from '../yaml';
import { createCluster } from '../../index';

const doc = (yaml: string) => parseManifests(yaml)[0].value as Record<string, unknown>;
const messages = (yaml: string) => decodeErrors(doc(yaml)).map((e) => e.message);

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
  annotations: {note: hello}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}
  template:
    metadata:
      labels: {app: web}
      creationTimestamp: null
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80, name: http}]
        resources:
          requests: {cpu: 0.1, memory: 64Mi}
          limits: {cpu: 1, memory: 128Mi}
        readinessProbe:
          httpGet: {path: /, port: http}
status: {}
`;

describe('strict decoding', () => {
  it('has a schema for every kind the API serves, and autoscaling/v1', () => {
    for (const r of RESOURCES) expect(hasSchema(apiVersionOf(r), r.kind), r.kind).toBe(true);
    expect(hasSchema('autoscaling/v1', 'HorizontalPodAutoscaler')).toBe(true);
  });

  it('decodes a full Deployment: int-or-string, quantities as numbers, free maps, null metadata fields, status', () => {
    expect(messages(DEPLOY)).toEqual([]);
  });

  it('reports every unknown field with its exact path, list indexes included', () => {
    const errs = decodeErrors(doc(DEPLOY.replace('replicas: 2', 'replica: 2').replace('image: nginx:1.25', 'imagee: nginx:1.25')));
    expect(errs).toEqual([
      { path: ['spec', 'replica'], message: 'strict decoding error: unknown field "spec.replica"' },
      { path: ['spec', 'template', 'spec', 'containers', 0, 'imagee'], message: 'unknown field "spec.template.spec.containers[0].imagee"' },
    ]);
  });

  it('does not look inside an unknown field', () => {
    expect(messages(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  spec:\n    replicas: "1"\n`)).toEqual([
      'strict decoding error: unknown field "metadata.spec"',
    ]);
  });

  it('reports the first wrong type in Go words, and only that', () => {
    expect(messages(DEPLOY.replace('replicas: 2', 'replicas: "2"').replace('name: http', 'name: http, bogus: 1'))).toEqual([
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    ]);
  });

  it('words wrong types by the struct holding the field and the Go type', () => {
    const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;
    expect(messages(pod('  containers:\n  - name: a\n    env: [{name: X, value: 1}]\n'))).toEqual([
      'json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string',
    ]);
    expect(messages(pod('  containers:\n  - name: a\n    ports: [{containerPort: "80"}]\n'))).toEqual([
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ]);
    expect(messages(pod('  containers: {name: a}\n'))).toEqual([
      'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
    ]);
    expect(messages(pod('  terminationGracePeriodSeconds: 1.5\n'))).toEqual([
      'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    ]);
    expect(messages(pod('  hostNetwork: "yes please"\n'))).toEqual([
      'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool',
    ]);
    expect(messages(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {version: 1}\n`)).toEqual([
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ]);
    expect(messages(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: 5\n`)).toEqual([
      'json: cannot unmarshal number into Go struct field Pod.spec of type v1.PodSpec',
    ]);
  });

  it('rejects integers that do not fit their Go type', () => {
    expect(messages(DEPLOY.replace('replicas: 2', 'replicas: 1e12'))).toEqual([
      'json: cannot unmarshal number 1000000000000 into Go struct field DeploymentSpec.spec.replicas of type int32',
    ]);
  });

  it('accepts int-or-string as either, rejects anything else', () => {
    const svc = (tp: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    targetPort: ${tp}\n`;
    expect(messages(svc('8080'))).toEqual([]);
    expect(messages(svc('http'))).toEqual([]);
    expect(messages(svc('true'))).toEqual(['json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32']);
  });

  it('checks quantities', () => {
    expect(messages(DEPLOY.replace('memory: 64Mi', 'memory: lots'))).toEqual([
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]);
  });

  it('checks Secret data is base64, and rejects quantities too large to be one', () => {
    expect(messages(`apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: "bXktc2VjcmV0", b: "not base64!"}\n`)).toEqual(['illegal base64 data at input byte 3']);
    expect(messages(`apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: "YWJj"}\n`)).toEqual([]);
    expect(messages(DEPLOY.replace('cpu: 1,', 'cpu: 1e40,'))).toEqual([
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]);
  });

  it('decodes data maps, Secrets and the autoscaling/v1 HPA', () => {
    expect(messages(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1", b: two}\nbinaryData: {c: aGk=}\n`)).toEqual([]);
    expect(messages(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n`)).toEqual([
      'json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    ]);
    expect(messages(`apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\nstringData: {p: x}\ndata: {q: eA==}\n`)).toEqual([]);
    expect(
      messages(`apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  minReplicas: 2\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 60\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n`),
    ).toEqual([]);
    // The slide's indentation slip puts apiVersion under spec.
    expect(
      messages(`apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  maxReplicas: 5\n  scaleTargetRef: {kind: Deployment, name: web}\n  apiVersion: apps/v1\n`),
    ).toEqual(['strict decoding error: unknown field "spec.apiVersion"']);
  });

  it('answers through apply with the API server wording and the line of the field', () => {
    const c = createCluster();
    const [r] = c.apply(DEPLOY.replace('replicas: 2', 'replica: 2'));
    expect(r.error).toEqual({
      message: 'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
      line: 8,
      column: 3,
    });
    const [r2] = c.apply(DEPLOY.replace('containerPort: 80', 'containerPort: "80"'));
    expect(r2.error!.message).toBe(
      'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    );
    expect(r2.error!.line).toBe(22);
  });
});

describe('canonicalizeQuantities', () => {
  it('rewrites quantities wherever the schema has them, in declared members and in maps, and leaves everything else as it was', () => {
    const pod: Record<string, any> = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { size: '0.5' }, annotations: { cpu: '0.1' } },
      spec: {
        overhead: { cpu: '0.25' },
        containers: [{ name: 'a', image: 'x', args: ['0.1'], resources: { requests: { cpu: '0.1', memory: '1.5Gi' }, limits: { cpu: 2, 'example.com/gpu': '1000' } } }],
        initContainers: [{ name: 'i', image: 'x', resources: { limits: { memory: '1048576' } } }],
        volumes: [{ name: 'v', emptyDir: { sizeLimit: '0.5Gi' } }, { name: 'w', configMap: { name: '0.1' } }],
        unknownField: { cpu: '0.1' },
      },
    };
    canonicalizeQuantities(pod);
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { size: '0.5' }, annotations: { cpu: '0.1' } },
      spec: {
        overhead: { cpu: '250m' },
        containers: [{ name: 'a', image: 'x', args: ['0.1'], resources: { requests: { cpu: '100m', memory: '1536Mi' }, limits: { cpu: '2', 'example.com/gpu': '1k' } } }],
        initContainers: [{ name: 'i', image: 'x', resources: { limits: { memory: '1048576' } } }],
        volumes: [{ name: 'v', emptyDir: { sizeLimit: '512Mi' } }, { name: 'w', configMap: { name: '0.1' } }],
        unknownField: { cpu: '0.1' },
      },
    });
    const quota: Record<string, any> = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': '0.5', pods: '10' } } };
    canonicalizeQuantities(quota);
    expect(quota.spec.hard).toEqual({ 'requests.cpu': '500m', pods: '10' });
  });
});
