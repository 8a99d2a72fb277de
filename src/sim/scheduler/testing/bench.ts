/** Benchmark: 10,000 pods on 1,000 nodes through the bare scheduler. `npx tsx src/sim/scheduler/testing/bench.ts` */
import { Harness } from './harness';

const h = new Harness(1);
const t = () => process.hrtime.bigint();
const ms = (a: bigint) => (Number(t() - a) / 1e6).toFixed(0);
for (let i = 1; i <= 1000; i++) h.node({ name: `node-${i}`, labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } });
let t0 = t();
for (let i = 0; i < 10_000; i++) h.pod({ name: `p-${i}`, labels: { app: `a${i % 10}` }, cpu: '100m', memory: '128Mi' });
console.log('create', ms(t0), 'ms');
const fw = h.scheduler.framework;
const orig = fw.schedule.bind(fw);
let fwt = 0;
fw.schedule = (...a: Parameters<typeof orig>) => {
  const s = process.cpuUsage();
  const r = orig(...a);
  const d = process.cpuUsage(s);
  fwt += d.user + d.system;
  return r;
};
t0 = t();
const cpu0 = process.cpuUsage();
h.advance(200);
const cpu = process.cpuUsage(cpu0);
console.log('schedule', ms(t0), 'ms wall,', ((cpu.user + cpu.system) / 1000).toFixed(0), 'ms cpu; framework', (fwt / 1000).toFixed(0), 'ms cpu');
let bound = 0;
for (const p of h.ctx.store.each('Pod')) if (p.spec.nodeName) bound++;
console.log('bound', bound, 'heap MB', (process.memoryUsage().heapUsed / 1e6).toFixed(0));
