/**
 * Scene M of issue 4's performance section: 50 nodes, 500 pods (50 Deployments × 10 replicas) and
 * 50 Services, then a rolling update of every Deployment at once.
 */
export const SCENE_NODES = 50;
export const SCENE_APPS = 50;
export const SCENE_REPLICAS = 10;

/** A 50-node cluster needs more than the default /16 of pod addresses. */
export const SCENE_SPEC = { nodes: SCENE_NODES, network: { podCIDR: '10.0.0.0/8', nodeCIDR: '172.16.0.0/12' } };

export const appName = (i: number) => `app-${String(i).padStart(2, '0')}`;

/** Every Deployment and Service of the scene as one multi-document manifest, all pods running `image`. */
export function sceneManifest(image: string): string {
  const docs: string[] = [];
  for (let i = 0; i < SCENE_APPS; i++) {
    const name = appName(i);
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${SCENE_REPLICAS}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: 80}]`);
  }
  return docs.join('\n---\n');
}
