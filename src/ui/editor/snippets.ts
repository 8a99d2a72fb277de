/** Starting points for the common kinds, in Monaco's snippet syntax (tab stops, choices). */
export type Snippet = { label: string; kind: string; body: string };

export const SNIPPETS: Snippet[] = [
  {
    label: 'Deployment',
    kind: 'Deployment',
    body: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: \${1:web}
  labels:
    app: \${1:web}
spec:
  replicas: \${2:3}
  selector:
    matchLabels:
      app: \${1:web}
  template:
    metadata:
      labels:
        app: \${1:web}
    spec:
      containers:
      - name: \${1:web}
        image: \${3:nginx:1.25}
        ports:
        - containerPort: \${4:80}
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
`,
  },
  {
    label: 'Service',
    kind: 'Service',
    body: `apiVersion: v1
kind: Service
metadata:
  name: \${1:web}
spec:
  type: \${2|ClusterIP,NodePort,LoadBalancer|}
  selector:
    app: \${1:web}
  ports:
  - port: \${3:80}
    targetPort: \${4:80}
`,
  },
  {
    label: 'Pod',
    kind: 'Pod',
    body: `apiVersion: v1
kind: Pod
metadata:
  name: \${1:app}
  labels:
    app: \${1:app}
spec:
  containers:
  - name: \${1:app}
    image: \${2:nginx:1.25}
`,
  },
  {
    label: 'Ingress',
    kind: 'Ingress',
    body: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: \${1:web}
spec:
  rules:
  - host: \${2:web.example.com}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: \${1:web}
            port:
              number: \${3:80}
`,
  },
  {
    label: 'ConfigMap',
    kind: 'ConfigMap',
    body: `apiVersion: v1
kind: ConfigMap
metadata:
  name: \${1:config}
data:
  \${2:key}: \${3:value}
`,
  },
  {
    label: 'Job',
    kind: 'Job',
    body: `apiVersion: batch/v1
kind: Job
metadata:
  name: \${1:pi}
spec:
  backoffLimit: 4
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: \${1:pi}
        image: \${2:busybox:1.36}
        command: ["sh", "-c", "\${3:echo hello}"]
`,
  },
  {
    label: 'CronJob',
    kind: 'CronJob',
    body: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: \${1:hello}
spec:
  schedule: "\${2:*/1 * * * *}"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: \${1:hello}
            image: busybox:1.36
            command: ["sh", "-c", "\${3:date}"]
`,
  },
  {
    label: 'HorizontalPodAutoscaler',
    kind: 'HorizontalPodAutoscaler',
    body: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: \${1:web}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: \${1:web}
  minReplicas: \${2:1}
  maxReplicas: \${3:5}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: \${4:50}
`,
  },
  {
    label: 'Namespace',
    kind: 'Namespace',
    body: `apiVersion: v1
kind: Namespace
metadata:
  name: \${1:team-a}
`,
  },
];

/** A snippet as plain text (tab stops replaced by their defaults), for inserting without the snippet engine. */
export function plainText(body: string): string {
  return body.replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}
