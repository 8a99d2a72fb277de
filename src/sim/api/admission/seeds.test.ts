/**
 * The workshop decks' own v1 and apps/v1 manifests (shared/seeds/, copied here so the test does not
 * depend on files outside the repository) apply cleanly, and the ones that are wrong on a real
 * cluster are wrong here the same way.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

// 000 "Kubernetes: scaling and scheduling": node affinity.
const NODE_AFFINITY = `apiVersion: v1
kind: Pod
metadata:
  name: with-node-affinity
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - key: kubernetes.io/zone
                operator: In
                values:
                  - availability-zone-1
                  - availability-zone-2
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 1
          preference:
            matchExpressions:
              - key: cloud.google.com/gke-nodepool
                operator: In
                values:
                  - mv-node-pool
  containers:
  - name: app
    image: nginx
`;

// 002 "Kubernetes in practice": a pod with a sidecar, and one applied declaratively.
const SIDECAR = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: main
    image: nginx:alpine
  - name: sidecar
    image: alpine:latest
    args:
      - "sleep"
      - "3600"
`;
const NGINX_2 = `apiVersion: v1
kind: Pod
metadata:
  name: nginx-2
spec:
  containers:
  - name: nginx-2
    image: nginx:alpine
`;

// 003 "Kubernetes for developers": ConfigMap, Secret, and the Deployment from the slides (apps/v1).
const CONFIG = `apiVersion: v1
data:
  january: "Nostalgia isn't what it used to be."
  february: Richard Stallman exists because he compiled himself into being.
kind: ConfigMap
metadata:
  name: qotd
  namespace: default
`;
// The slide's Secret: its base64 has a typo (22 characters, not a multiple of 4), which a real API
// server refuses; the test checks that answer and applies the value `echo -n my-secret-pw | base64` gives.
const SECRET = `apiVersion: v1
data:
  # echo "my-secret-pw" | base64
  password: bXktdjc2VjcmV0LXB3Cg==
kind: Secret
metadata:
  name: postgres
type: Opaque
`;
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    run: web
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      run: web
  template:
    metadata:
      creationTimestamp: null
      labels:
        run: web
    spec:
      containers:
      - env:
        - name: POSTGRES_PASSWORD
          valueFrom:
            secretKeyRef:
              name: postgres
              key: password
        - name: QOTD
          valueFrom:
            configMapKeyRef:
              name: qotd
              key: january
        - name: MY_POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        image: web:1
        name: web
        ports:
        - containerPort: 80
        resources: {}
        livenessProbe:
          httpGet:
            path: /healthz
            port: 80
            scheme: HTTP
          initialDelaySeconds: 30
          timeoutSeconds: 5
status: {}
`;

// 000: the autoscaling/v1 HPA as written on the slide, where `apiVersion` slipped out of scaleTargetRef.
const HPA_SLIDE = `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: my-autoscaler
spec:
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
  scaleTargetRef:
    kind: Deployment
    name: my-deployment
  apiVersion: apps/v1
`;

describe('the workshop decks\' manifests', () => {
  it('apply cleanly (the Secret once its base64 typo is fixed)', () => {
    const c = createCluster();
    expect(c.apply(SECRET)[0].error).toEqual({
      message: 'Error from server (BadRequest): Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 20',
      line: 4,
      column: 3,
    });
    const secret = SECRET.replace('bXktdjc2VjcmV0LXB3Cg==', 'bXktc2VjcmV0LXB3');
    for (const yaml of [NODE_AFFINITY, SIDECAR, NGINX_2, CONFIG, secret, WEB]) {
      for (const r of c.apply(yaml)) expect(r.error, `${r.kind}/${r.name}`).toBeUndefined();
    }
    expect(c.get('deploy', 'web')!.spec.template.spec.containers[0].livenessProbe).toEqual({
      httpGet: { path: '/healthz', port: 80, scheme: 'HTTP' },
      initialDelaySeconds: 30,
      timeoutSeconds: 5,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.get('pod', 'nginx')!.spec.containers.map((x: { imagePullPolicy: string }) => x.imagePullPolicy)).toEqual(['IfNotPresent', 'Always']);
  });

  it('the HPA slide\'s indentation slip is refused as kubectl would, pointing at the line', () => {
    const [r] = createCluster().apply(HPA_SLIDE);
    expect(r.error).toEqual({
      message: 'Error from server (BadRequest): HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: unknown field "spec.apiVersion"',
      line: 12,
      column: 3,
    });
    const fixed = HPA_SLIDE.replace('    name: my-deployment\n  apiVersion: apps/v1\n', '    name: my-deployment\n    apiVersion: apps/v1\n');
    expect(createCluster().apply(fixed)[0].error).toBeUndefined();
  });
});
