/**
 * A small demo setup for the presets a cluster cannot show yet (no Service, no NetworkPolicy): a
 * Deployment `echo` of three nginx pods behind a LoadBalancer Service (so it has a cluster IP, a
 * NodePort and an external IP), a `client` pod to send from, a `db` pod that only pods labelled
 * `role: api` may reach (NetworkPolicy `db-allow-api`, so the client is dropped), and an Ingress for
 * `echo.example.com` (used when the ingress add-on runs). Applied through the engine like any manifest.
 */
export const DEMO_NAMESPACE = 'default';
export const DEMO = { deployment: 'echo', service: 'echo', client: 'client', db: 'db', policy: 'db-allow-api', ingress: 'echo', host: 'echo.example.com' } as const;

export const DEMO_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  labels: {app: echo}
spec:
  replicas: 3
  selector:
    matchLabels: {app: echo}
  template:
    metadata:
      labels: {app: echo}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
        resources: {requests: {cpu: 50m, memory: 32Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: echo
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels: {role: client}
spec:
  containers:
  - name: shell
    image: busybox:1.36
    command: ["sleep", "3600000"]
    resources: {requests: {cpu: 10m, memory: 8Mi}}
---
apiVersion: v1
kind: Pod
metadata:
  name: db
  labels: {app: db}
spec:
  containers:
  - name: redis
    image: redis:7
    ports: [{containerPort: 6379}]
    resources: {requests: {cpu: 50m, memory: 32Mi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-allow-api
spec:
  podSelector:
    matchLabels: {app: db}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {role: api}
    ports:
    - port: 6379
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: echo
spec:
  ingressClassName: nginx
  rules:
  - host: echo.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: echo
            port: {number: 80}
`;
