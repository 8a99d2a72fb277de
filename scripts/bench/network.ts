/**
 * Network benchmarks (issue 3's performance section), `npm run bench network`:
 * 1. trace cost at 50 nodes / 500 pods / 50 Services / 20 NetworkPolicies, over many traces of
 *    four kinds (pod → Service by name, pod → pod IP, internet → NodePort, a policy drop):
 *    median and p95 per trace (target ≤ 1 ms);
 * 2. CPU spent keeping endpoints and kube-proxy rules during a 500-pod rolling update (target
 *    ≤ 50 ms in total): the Endpoints and EndpointSlice controllers' reconciles and kube-proxy's
 *    rule sync are wrapped with timers here, in the benchmark only. kube-proxy syncs lazily (when a
 *    trace or iptables-save needs its rules); the benchmark calls its sync after every 100 ms step,
 *    as the real proxier would run on its minSyncPeriod, so every intermediate state is built.
 * Prints figures; never fails on absolute times.
 */
import { createCluster } from '../../src/sim/index';
import type { Cluster } from '../../src/sim/cluster';
import type { Network } from '../../src/sim/network/network';
import type { TraceRequest } from '../../src/sim/network/trace-types';
import { EndpointsController } from '../../src/sim/controllers/endpoints';
import { EndpointSliceController } from '../../src/sim/controllers/endpointslice';
import { KubeProxy } from '../../src/sim/network/kube-proxy';

const BIG_NETWORK = { podCIDR: '10.0.0.0/8', nodeCIDR: '172.16.0.0/12' } as const;
const SERVICES = 50;
const REPLICAS = 10;
const POLICIES = 20;

function app(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}, tier: ${i % 5 === 0 ? 'front' : 'back'}}}
    spec:
      containers:
      - {name: web, image: nginx:1.25, ports: [{containerPort: 80, name: http}], resources: {requests: {cpu: 10m, memory: 16Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: app-${i}}
spec:
  type: ${i % 2 === 0 ? 'NodePort' : 'ClusterIP'}
  selector: {app: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]
---
`;
}

/** 20 policies: app-1 … app-20 each accept only their neighbour app-(i+1) and the front tier on port 80. */
function policy(i: number): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-app-${i}}
spec:
  podSelector: {matchLabels: {app: app-${i}}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: app-${i + 1}}}
    - podSelector: {matchLabels: {tier: front}}
    ports: [{port: 80}]
---
`;
}

function ok(c: Cluster, yaml: string): void {
  for (const r of c.apply(yaml)) if (r.error) throw new Error(`${r.kind}/${r.name}: ${r.error.message}`);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function podsOf(c: Cluster, appName: string): any[] {
  return (c.list('pod', { labelSelector: `app=${appName}` }) as any[]).filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp);
}

export function traceBenchmark(): { kinds: { kind: string; median: number; p95: number; outcome: string }[]; all: { median: number; p95: number; n: number } } {
  const c = createCluster({ seed: 3, nodes: 50, network: BIG_NETWORK });
  let yaml = '';
  for (let i = 0; i < SERVICES; i++) yaml += app(i);
  for (let i = 1; i <= POLICIES; i++) yaml += policy(i);
  ok(c, yaml);
  c.advance(120_000);
  const running = (c.list('pod', { namespace: 'default' }) as any[]).filter((p) => p.status?.phase === 'Running').length;
  if (running < SERVICES * REPLICAS) console.log(`  (only ${running} of ${SERVICES * REPLICAS} pods running)`);
  const front = podsOf(c, 'app-0'); // tier=front: allowed everywhere
  const back = podsOf(c, 'app-33'); // no policy lets app-33 into app-1 … app-20
  const nodeIP = (name: string) => ((c.get('node', name) as any).status.addresses as any[]).find((a) => a.type === 'InternalIP').address;
  const kinds: { kind: string; req: (i: number) => TraceRequest }[] = [
    { kind: 'pod → Service by name', req: (i) => ({ from: `pod/default/${front[i % front.length].metadata.name}`, to: `http://app-${(i % (SERVICES - 1)) + 1}/` }) },
    {
      kind: 'pod → pod IP',
      req: (i) => {
        const dst = podsOf(c, `app-${30 + (i % 20)}`);
        return { from: `pod/default/${back[i % back.length].metadata.name}`, to: dst[i % dst.length].status.podIP, port: 80 };
      },
    },
    {
      kind: 'internet → NodePort',
      req: (i) => {
        const svc = c.get('svc', `app-${22 + (i % 14) * 2}`) as any; // NodePort Services no policy guards
        return { from: 'external', to: `http://${nodeIP(`node-${(i % 50) + 1}`)}:${svc.spec.ports[0].nodePort}/` };
      },
    },
    {
      kind: 'policy drop (pod → pod)',
      req: (i) => ({ from: `pod/default/${back[i % back.length].metadata.name}`, to: `pod/default/${podsOf(c, `app-${(i % POLICIES) + 1}`)[i % REPLICAS].metadata.name}`, port: 80 }),
    },
  ];
  const N = 2000;
  const all: number[] = [];
  const out: { kind: string; median: number; p95: number; outcome: string }[] = [];
  // Requests are built before timing, so only trace() is measured; a warm-up round first.
  for (const k of kinds) {
    const reqs = Array.from({ length: N }, (_, i) => k.req(i));
    for (let i = 0; i < 200; i++) c.trace(reqs[i]);
    const times: number[] = [];
    const outcomes = new Map<string, number>();
    for (const r of reqs) {
      const t0 = performance.now();
      const t = c.trace(r);
      times.push(performance.now() - t0);
      outcomes.set(t.outcome, (outcomes.get(t.outcome) ?? 0) + 1);
    }
    all.push(...times);
    times.sort((a, b) => a - b);
    out.push({ kind: k.kind, median: quantile(times, 0.5), p95: quantile(times, 0.95), outcome: [...outcomes].map(([o, n]) => `${o} ${n}`).join(', ') });
  }
  all.sort((a, b) => a - b);
  return { kinds: out, all: { median: quantile(all, 0.5), p95: quantile(all, 0.95), n: all.length } };
}

type Timer = { ms: number; calls: number };

/** Wrap a prototype method with a timer (benchmark only); returns the timer and an undo. */
function timeMethod(proto: any, name: string): { t: Timer; undo: () => void } {
  const orig = proto[name];
  const t: Timer = { ms: 0, calls: 0 };
  proto[name] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      t.ms += performance.now() - t0;
      t.calls++;
    }
  };
  return { t, undo: () => void (proto[name] = orig) };
}

export function rolloutBenchmark(): { endpoints: Timer; slices: Timer; proxy: Timer; simMs: number; wallMs: number; done: boolean; rules: number } {
  const c = createCluster({ seed: 4, nodes: 50, network: BIG_NETWORK });
  ok(
    c,
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 500
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx:1.25, ports: [{containerPort: 80}], resources: {requests: {cpu: 10m, memory: 16Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`,
  );
  c.advance(120_000);
  const net = c.network as Network;
  net.kubeProxy.sync();
  const ep = timeMethod(EndpointsController.prototype, 'reconcile');
  const es = timeMethod(EndpointSliceController.prototype, 'reconcile');
  const kp = timeMethod(KubeProxy.prototype, 'sync');
  const start = c.now;
  const w0 = performance.now();
  c.kubectl('set image deployment/web web=nginx:1.26');
  let done = false;
  for (let i = 0; i < 6000 && !done; i++) {
    c.advance(100);
    net.kubeProxy.sync();
    if (i % 10 === 9) {
      const d = c.get('deploy', 'web') as any;
      const st = d.status ?? {};
      done = st.observedGeneration >= d.metadata.generation && st.updatedReplicas === 500 && st.replicas === 500 && st.availableReplicas === 500;
    }
  }
  // Let the last terminating pods go, so the final endpoint changes are counted too.
  for (let i = 0; i < 400; i++) {
    c.advance(100);
    net.kubeProxy.sync();
  }
  const wallMs = performance.now() - w0;
  ep.undo();
  es.undo();
  kp.undo();
  const rules = net.kubeProxy.servicePorts().find((s) => s.name === 'default/web')?.endpoints.length ?? 0;
  return { endpoints: ep.t, slices: es.t, proxy: kp.t, simMs: c.now - start, wallMs, done, rules };
}

export function runNetworkBenchmarks(): void {
  const f = (n: number, d = 3) => n.toFixed(d);
  console.log('## Network');
  const tr = traceBenchmark();
  console.log(`Traces at 50 nodes / ${SERVICES * REPLICAS} pods / ${SERVICES} Services / ${POLICIES} NetworkPolicies (target ≤ 1 ms per trace):`);
  for (const k of tr.kinds) console.log(`  ${k.kind.padEnd(26)} median ${f(k.median)} ms   p95 ${f(k.p95)} ms   (${k.outcome})`);
  console.log(`  all ${tr.all.n} traces             median ${f(tr.all.median)} ms   p95 ${f(tr.all.p95)} ms`);
  const ro = rolloutBenchmark();
  const total = ro.endpoints.ms + ro.slices.ms + ro.proxy.ms;
  console.log(`500-pod rolling update (${ro.done ? 'complete' : 'NOT complete'} after ${f(ro.simMs / 1000, 1)} s simulated, ${f(ro.wallMs, 0)} ms wall; ${ro.rules} endpoints in kube-proxy at the end):`);
  console.log(`  Endpoints controller reconcile:      ${f(ro.endpoints.ms, 1)} ms CPU in ${ro.endpoints.calls} calls`);
  console.log(`  EndpointSlice controller reconcile:  ${f(ro.slices.ms, 1)} ms CPU in ${ro.slices.calls} calls`);
  console.log(`  kube-proxy rule sync:                ${f(ro.proxy.ms, 1)} ms CPU in ${ro.proxy.calls} calls`);
  console.log(`  total endpoint + rule upkeep:        ${f(total, 1)} ms CPU  (target ≤ 50 ms)`);
}
