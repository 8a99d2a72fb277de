/**
 * Behaviour fingerprint for performance work: runs a few deterministic scenarios and prints one
 * hash per scenario over everything a user could observe (every stored object in store order, the
 * event log, scheduling records, resourceVersions, kubectl output). An optimisation must leave every
 * hash unchanged. `npx tsx scripts/bench/fingerprint.ts` (add `--verbose` to print what is hashed).
 */
import { createHash } from 'node:crypto';
import { createCluster } from '../../src/sim/index';
import type { Cluster } from '../../src/sim/cluster';

const verbose = process.argv.includes('--verbose');
const BIG_NETWORK = { podCIDR: '10.0.0.0/8', nodeCIDR: '172.16.0.0/12', serviceCIDR: '10.96.0.0/12' } as const;

function deployment(name: string, replicas: number, extra = '', podExtra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${podExtra}      containers:
      - name: web
        image: nginx:1.25
        resources: {requests: {cpu: 10m, memory: 16Mi}}
${extra}`;
}

function digest(c: Cluster): string {
  const h = createHash('sha256');
  const store = c.ctx.store;
  h.update(String(store.resourceVersion));
  for (const o of store.all()) h.update(JSON.stringify(o));
  for (const e of c.events()) h.update(JSON.stringify(e));
  for (const p of store.list('Pod')) h.update(JSON.stringify(c.scheduling(`pod/${p.metadata.namespace}/${p.metadata.name}`) ?? null));
  // (kubectl describe is left out: its printers change on their own schedule; the objects it prints are hashed above.)
  for (const line of ['get pods -A -o wide', 'get events -A', 'get nodes']) h.update(c.kubectl(line).stdout);
  if (verbose) console.log(c.kubectl('get pods -A -o wide').stdout.split('\n').slice(0, 20).join('\n'));
  return h.digest('hex').slice(0, 16);
}

const scenarios: Record<string, () => Cluster> = {
  /** The benchmark's shape, small: scale up, scale, roll out, kill pods, lose a node. */
  scale(): Cluster {
    const c = createCluster({ seed: 1, nodes: 40, network: BIG_NETWORK });
    c.apply(deployment('bench', 400));
    c.advance(9000);
    c.kubectl('scale deployment bench --replicas=150');
    c.advance(5000);
    c.kubectl('set image deployment/bench web=nginx:1.26');
    c.advance(60_000);
    for (const p of c.list('pod', { namespace: 'default' }).slice(0, 20)) c.delete(`pod/${p.metadata.name}`);
    c.advance(20_000);
    c.setNodeRunning('node-3', false);
    c.advance(400_000);
    return c;
  },
  /** Scheduling features: spread, affinity, taints, unschedulable pods, priorities and preemption. */
  scheduling(): Cluster {
    const c = createCluster({ seed: 7, nodes: [
      { name: 'cp', role: 'control-plane' },
      ...Array.from({ length: 8 }, (_, i) => ({ name: `w${i}`, role: 'worker' as const, cpu: '2', memory: '4Gi', labels: { 'topology.kubernetes.io/zone': `z${i % 3}` } })),
    ] });
    c.kubectl('taint nodes w7 dedicated=db:NoSchedule');
    c.apply(`apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
`);
    c.apply(deployment('spread', 9, '', `      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: spread}}}
`));
    c.apply(deployment('anti', 10, '', `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: anti}}}
`));
    c.apply(deployment('near', 4, '', `      affinity:
        podAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 50
            podAffinityTerm: {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: spread}}}
`));
    c.advance(30_000);
    c.apply(`apiVersion: v1
kind: Pod
metadata: {name: big}
spec:
  priorityClassName: high
  containers:
  - {name: c, image: nginx:1.25, resources: {requests: {cpu: 1500m}}}
`);
    c.apply(`apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers:
  - {name: c, image: nginx:1.25, resources: {requests: {cpu: '64'}}}
`);
    c.advance(60_000);
    c.kubectl('cordon w1');
    c.kubectl('drain w2 --ignore-daemonsets --force');
    c.advance(60_000);
    return c;
  },
  /** Services, endpoints, jobs and a crash loop next to each other. */
  workloads(): Cluster {
    const c = createCluster({ seed: 3, nodes: 4 });
    c.apply(deployment('web', 6));
    c.kubectl('expose deployment web --port=80');
    c.kubectl('create job pi --image=busybox -- sh -c "echo done"');
    c.kubectl('run crash --image=busybox -- sh -c "exit 1"');
    c.advance(120_000);
    c.kubectl('rollout restart deployment web');
    c.advance(60_000);
    c.kubectl('rollout undo deployment web');
    c.advance(60_000);
    return c;
  },
};

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const [name, run] of Object.entries(scenarios)) {
  if (only.length && !only.includes(name)) continue;
  const t = performance.now();
  const c = run();
  console.log(`${name.padEnd(11)} ${digest(c)}  (${(performance.now() - t).toFixed(0)} ms)`);
}
