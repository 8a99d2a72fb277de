import { describe, expect, it } from 'vitest';
import { createCluster } from '../../sim/index';
import { convertAll, convertDocument, findRetired, splitDocuments } from './quick-fix';

const OLD_DEPLOYMENT = `# the seed deck's Deployment
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

const OLD_INGRESS = `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: web
          servicePort: 80
`;

const OLD_HPA = `apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      targetAverageUtilization: 50
`;

describe('retired apiVersions', () => {
  it('finds each retired document in a multi-document text, with the apiVersion position', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n${OLD_DEPLOYMENT}---\n${OLD_HPA}`;
    const found = findRetired(text);
    expect(found.map((r) => [r.apiVersion, r.kind, r.target])).toEqual([
      ['extensions/v1beta1', 'Deployment', 'apps/v1'],
      ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', 'autoscaling/v2'],
    ]);
    expect(text.slice(found[0].from, found[0].to)).toBe('extensions/v1beta1');
    expect(found[0].message).toBe('Deployment is no longer served at extensions/v1beta1 (removed in Kubernetes 1.16 (Ingress: 1.22)); use apps/v1.');
    expect(splitDocuments(text)).toHaveLength(3);
  });

  it('a Deployment moves to apps/v1 with a selector from its template labels, keeping comments', () => {
    const out = convertDocument(OLD_DEPLOYMENT);
    expect(out).toBe(`# the seed deck's Deployment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: web
        image: nginx:1.25
`);
  });

  it('an Ingress gets pathType and the service backend form', () => {
    const out = convertDocument(OLD_INGRESS);
    expect(out).toContain('apiVersion: networking.k8s.io/v1');
    expect(out).toContain('pathType: ImplementationSpecific');
    expect(out).toMatch(/backend:\n\s+service:\n\s+name: web\n\s+port:\n\s+number: 80/);
    expect(out).not.toContain('serviceName');
  });

  it('an HPA moves to the v2 metrics form', () => {
    const out = convertDocument(OLD_HPA);
    expect(out).toContain('apiVersion: autoscaling/v2');
    expect(out).toMatch(/target:\n\s+type: Utilization\n\s+averageUtilization: 50/);
    expect(out).not.toContain('targetAverageUtilization');
  });

  it('what the engine refuses before the fix, it applies after', () => {
    const cluster = createCluster();
    for (const text of [OLD_DEPLOYMENT, OLD_INGRESS, OLD_HPA, OLD_DEPLOYMENT.replace('extensions/v1beta1', 'apps/v1beta2').replace('name: web\nspec', 'name: web2\nspec')]) {
      const before = cluster.apply(text);
      expect(before[0].error?.message).toContain('no matches for kind');
      const after = cluster.apply(convertAll(text));
      expect(after.map((r) => r.error?.message)).toEqual([undefined]);
      expect(after[0].action).toBe('created');
    }
  });

  it('leaves current documents alone', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n';
    expect(findRetired(text)).toEqual([]);
    expect(convertAll(text)).toBe(text);
  });
});
