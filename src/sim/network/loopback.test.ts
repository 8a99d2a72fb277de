import { expect, it } from 'vitest';
import { createCluster } from '../index';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  containers:
  - {name: web, image: 'web:1', ports: [{containerPort: 8080}]}
  - {name: sidecar, image: 'busybox:1.36', command: [sh, -c, 'sleep 3600']}
`;

it('containers of a pod reach each other on localhost, without leaving the pod', () => {
  const c = createCluster();
  c.apply(POD);
  c.advance(20_000);
  const r = c.kubectl('kubectl exec duo -c sidecar -- wget -qO- http://localhost:8080/');
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('Hello from duo (web:1)');
  const t = c.trace({ from: 'pod/default/duo', to: 'http://localhost:8080/' });
  expect(t.outcome).toBe('delivered');
  expect(t.servedBy).toBe('pod/default/duo');
  expect(t.hops.map((h) => [h.device, h.action])).toEqual([
    ['lo', 'route'],
    ['lo', 'deliver'],
  ]);
  // Nothing listens on another port: refused, still inside the pod.
  expect(c.trace({ from: 'pod/default/duo', to: '127.0.0.1', port: 9999 }).outcome).toBe('refused');
});
