/**
 * Packet mode benchmarks (issue 5): on scene M (50 nodes, 500 pods) in headless Chromium, the frame
 * time p95 with 200 packets in flight over the cluster view, and how long after a preset's click its
 * first hop is on screen. Needs a build (`npm run build`); prints figures, asserts nothing.
 */
import { existsSync } from 'node:fs';
import { preview } from 'vite';
import { chromium } from 'playwright-core';

const PORT = 4185;
const SCENE_M = `apiVersion: apps/v1
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
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: shell, image: busybox:1.36, command: [sleep, "3600000"]}]
`;

export async function runPacketBenchmarks(): Promise<void> {
  console.log('## Packets');
  if (!existsSync('dist/index.html')) {
    console.log('  skipped: no build in dist/ (run `npm run build` first)');
    return;
  }
  const executablePath = process.env.PODIUM_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const server = await preview({ preview: { port: PORT, strictPort: true }, logLevel: 'silent' });
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // tsx names inner arrow functions with an `__name` helper that does not exist in the page.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(`http://localhost:${PORT}/?fresh=1&speed=0&prefetch=0`);
    await page.locator('g.node').first().waitFor();
    // Scene M, stepped until every pod runs (the clock stays paused: only packets move during the measurement).
    const running = await page.evaluate(async (yaml) => {
      const p = (window as any).podium;
      await p.client.start({ spec: { seed: 2, nodes: 50, network: { podCIDR: '10.0.0.0/8', nodeCIDR: '172.16.0.0/12' } }, speed: 0 });
      await p.client.call('apply', { yaml });
      for (let i = 0; i < 120; i++) {
        await p.client.call('step', { ms: 1000 });
        const r = await p.client.call('kubectl', { line: 'kubectl get deploy web -o jsonpath={.status.readyReplicas}' });
        if (Number(r.stdout) >= 500) return Number(r.stdout);
      }
      return -1;
    }, SCENE_M);
    await page.getByRole('button', { name: /Packets/ }).click();
    await page.waitForTimeout(1500);

    // A preset's first hop on screen after the click.
    const firstHop: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ms = await page.evaluate(async () => {
        const t = (window as any).__podiumPackets;
        const before = t.traceId;
        const btn = document.querySelector<HTMLButtonElement>('[data-preset="service"]')!;
        const t0 = performance.now();
        btn.click();
        while (t.traceId === before) await new Promise((r) => requestAnimationFrame(r));
        return t.firstHopAt - t0;
      });
      firstHop.push(ms);
      await page.waitForTimeout(300);
    }

    // 200 packets in flight at once: measure frame intervals for 3 s.
    const frames = await page.evaluate(async () => {
      const p = (window as any).podium;
      const st = p.packets.getState();
      const summaries = await p.client.call('traceMany', { req: st.request, count: 200 });
      st.set({ playing: false, fanout: { id: 1e6, request: st.request, summaries, counts: {}, startedAt: performance.now(), spacingMs: 5, hopMs: 600 } });
      const gaps: number[] = [];
      let last = performance.now();
      const end = last + 3000;
      await new Promise<void>((resolve) => {
        const f = (t: number) => {
          gaps.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(f);
          else resolve();
        };
        requestAnimationFrame(f);
      });
      const hops = summaries.map((s: any) => s.path.length);
      return { gaps: gaps.slice(2), minHops: Math.min(...hops) };
    });
    const sorted = [...frames.gaps].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    const median = sorted[Math.floor(sorted.length / 2)];
    const fh = [...firstHop].sort((a, b) => a - b);
    console.log(`scene M: ${running} of 500 pods ready on 50 nodes`);
    console.log(`200 packets in flight (each ≥ ${frames.minHops} hops, all in flight together): frame p95 ${p95.toFixed(1)} ms, median ${median.toFixed(1)} ms over ${sorted.length} frames  (target p95 ≤ 16.7 ms)`);
    console.log(`preset click → first hop on screen: median ${fh[2].toFixed(0)} ms, worst ${fh[4].toFixed(0)} ms  (target ≤ 100 ms)`);
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}
