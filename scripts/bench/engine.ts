/**
 * Engine benchmarks (issue 2's performance section). Prints figures and ratios; asserts nothing, because
 * wall-clock numbers on a shared 2-core machine are noisy. Run with `npm run bench`.
 */
import { createCluster } from '../../src/sim/index';
import type { Cluster } from '../../src/sim/cluster';

const BIG_NETWORK = { podCIDR: '10.0.0.0/8', nodeCIDR: '172.16.0.0/12', serviceCIDR: '10.96.0.0/12' } as const;

function deployment(name: string, replicas: number, cpu = '10m', memory = '16Mi'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources: {requests: {cpu: ${cpu}, memory: ${memory}}}
`;
}

function runningPods(c: Cluster, app: string): number {
  let n = 0;
  for (const p of c.ctx.store.each('Pod', 'default')) if (p.metadata.labels?.app === app && p.status?.phase === 'Running') n++;
  return n;
}

/** Scale one Deployment to `replicas` on `nodes` workers; returns wall ms until every pod runs (or the limit). */
export function scaleUp(nodes: number, replicas: number): { wallMs: number; cpuMs: number; simMs: number; running: number; bootMs: number; heapMB: number } {
  const t0 = performance.now();
  const c = createCluster({ seed: 1, nodes, network: BIG_NETWORK });
  const bootMs = performance.now() - t0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const simStart = c.now;
  c.apply(deployment('bench', replicas));
  let running = 0;
  // Advance in 1 s steps of simulated time, for at most 10 simulated minutes.
  for (let i = 0; i < 600; i++) {
    c.advance(1000);
    running = runningPods(c, 'bench');
    if (running >= replicas) break;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  // Heap while the cluster is alive (it is still referenced here).
  const heap = heapMB();
  if (c.now < 0) console.log(c); // keep `c` reachable until after the measurement
  return { wallMs, cpuMs, simMs: c.now - simStart, running, bootMs, heapMB: heap };
}

/** CPU per simulated second in a steady cluster of 50 nodes and 500 pods. */
export function steadyState(): { msPerSimSecond: number } {
  const c = createCluster({ seed: 2, nodes: 50, network: BIG_NETWORK });
  c.apply(deployment('steady', 500));
  c.advance(120_000);
  const t = performance.now();
  c.advance(60_000);
  return { msPerSimSecond: (performance.now() - t) / 60 };
}

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export function runEngineBenchmarks(): void {
  const fmt = (n: number, d = 0) => n.toFixed(d);
  console.log('## Engine');
  const small = scaleUp(100, 1000);
  console.log(`1,000 pods on 100 nodes: ${small.running} running in ${fmt(small.wallMs)} ms wall (${fmt(small.simMs / 1000)} s simulated); boot ${fmt(small.bootMs)} ms`);
  const big = scaleUp(1000, 10_000);
  const rate = (big.running / big.wallMs) * 1000;
  console.log(`10,000 pods on 1,000 nodes: ${big.running} running in ${fmt(big.wallMs)} ms wall (${fmt(big.simMs / 1000)} s simulated); boot ${fmt(big.bootMs)} ms`);
  console.log(`  pods scheduled and started per second (incl. store writes and events): ${fmt(rate)}  (target ≥ 5,000); per CPU-second: ${fmt((big.running / big.cpuMs) * 1000)}`);
  console.log(`  cost growth 10,000 ÷ 1,000 pods: ${fmt(big.wallMs / small.wallMs, 1)}  (target ≤ 12)`);
  console.log(`  heap with 10,000 pods on 1,000 nodes: ${fmt(big.heapMB)} MB  (target ≤ 250 MB)`);
  const steady = steadyState();
  console.log(`50 nodes / 500 pods steady state: ${fmt(steady.msPerSimSecond, 2)} ms CPU per simulated second  (target ≤ 2 ms)`);
}
