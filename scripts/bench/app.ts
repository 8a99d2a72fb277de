/**
 * The app's benchmark (issue 4's performance section): the built app in headless Chromium, scene M
 * (50 nodes, 500 pods, 50 Services) during rolling updates. Prints figures and ratios against a bare
 * canvas page measured in the same run; asserts nothing, because a shared 2-core machine is noisy.
 * `npm run bench app` runs only this.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { entryReport } from './app/bundle';
import { installProbe, type Probe } from './app/probe';
import { sceneManifest, SCENE_APPS, SCENE_REPLICAS, SCENE_SPEC } from './app/scene';
import { fmt, kib, mean, median, percentile, ratio } from './app/stats';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A private build, so the benchmark never rewrites `dist/` under another engineer's running e2e tests. */
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'podium-bench', 'dist');
const PORT = 4183;
const ORIGIN = `http://localhost:${PORT}`;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const VIEWPORT = { width: 1280, height: 720 };
const COLD_RUNS = 3;
const COMMAND_RUNS = 20;
const ROLLOUT_LIMIT_MS = 25_000;
/** Issue 4's targets, printed beside the figures. */
const TARGET = { frameMs: 16.7, commandMs: 100, frameBytes: 10 * 1024, entryGzip: 150 * 1000, coldMs: 1500 };

// tsx compiles with esbuild's keepNames, which wraps named functions in `__name(...)`; functions
// Playwright ships to the page as text then need that helper to exist there.
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

declare const window: any;

export function build(): void {
  const r = spawnSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--manifest', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  copyFileSync(join(ROOT, 'scripts', 'bench', 'app', 'canvas.html'), join(OUT_DIR, 'bench-canvas.html'));
}

export async function startServer(): Promise<ChildProcess> {
  // Its own process group, so that stopping it also stops the node process npx starts.
  const server = spawn('npx', ['vite', 'preview', '--outDir', OUT_DIR, '--port', String(PORT), '--strictPort'], { cwd: ROOT, detached: true, stdio: 'ignore' });
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}); is port ${PORT} taken?`);
    try {
      if ((await fetch(`${ORIGIN}/bench-canvas.html`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopServer(server);
  throw new Error('vite preview did not start within 30 s');
}

export function stopServer(server: ChildProcess): void {
  try {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: NAME_SHIM });
  await context.addInitScript(installProbe);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));
  return page;
}

const canvasUrl = (shapes: { nodes: number; pods: number; services: number }) => `${ORIGIN}/bench-canvas.html?nodes=${shapes.nodes}&pods=${shapes.pods}&services=${shapes.services}`;

/** Navigation → first `g.node` drawn and the simulated clock moving, in a fresh browser context (empty cache). */
async function coldApp(browser: Browser): Promise<{ node: number; interactive: number }> {
  const page = await newPage(browser);
  try {
    await page.goto(`${ORIGIN}/?fresh=1`);
    await page.waitForFunction(() => window.__bench.ticking !== undefined, undefined, { timeout: 30_000 });
    const p = await page.evaluate(() => ({ node: window.__bench.firstNode, interactive: window.__bench.ticking }));
    return p;
  } finally {
    await page.context().close();
  }
}

async function coldCanvas(browser: Browser): Promise<number> {
  const page = await newPage(browser);
  try {
    await page.goto(canvasUrl({ nodes: 50, pods: 500, services: 50 }));
    await page.waitForFunction(() => window.__canvasFirstDraw !== undefined);
    return await page.evaluate(() => window.__canvasFirstDraw);
  } finally {
    await page.context().close();
  }
}

/** Open the app, replace its cluster with scene M, and wait until its 500 pods run and are drawn. */
export async function openScene(browser: Browser): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(`${ORIGIN}/?fresh=1`);
  await page.waitForFunction(() => window.__bench.ticking !== undefined, undefined, { timeout: 30_000 });
  await page.evaluate(async ({ spec, yaml }) => {
    const c = window.podium.client;
    await c.call('setSpeed', { speed: 0 });
    await c.call('init', { spec, speed: 0 });
    const r = await c.call('apply', { yaml });
    const failed = r.filter((x: any) => x.error);
    if (failed.length) throw new Error(`scene apply failed: ${JSON.stringify(failed[0])}`);
    // A Deployment kept at zero replicas: the command-latency runs scale it, so the scene stays at 500 pods.
    await c.call('apply', { yaml: (yaml as string).split('\n---\n')[0].replace(/app-00/g, 'probe').replace(/replicas: \d+/, 'replicas: 0') });
    for (let i = 0; i < 6; i++) await c.call('step', { ms: 5_000 });
  }, { spec: SCENE_SPEC, yaml: sceneManifest('nginx:1.25') });
  await page.waitForFunction(
    (want) => {
      const rows = [...window.podium.cluster.getState().rows.values()];
      return rows.filter((r: any) => r.kind === 'Pod' && r.namespace === 'default' && r.ready && !r.terminating).length >= want && document.querySelectorAll('g.pod').length >= want;
    },
    SCENE_APPS * SCENE_REPLICAS,
    { timeout: 60_000, polling: 250 },
  );
  return page;
}

/** What is drawn now: the shape counts the canvas baseline copies. */
async function shapes(page: Page) {
  return page.evaluate(() => ({
    nodes: document.querySelectorAll('g.node').length,
    pods: document.querySelectorAll('g.pod').length,
    services: document.querySelectorAll('g.service').length,
    // Endpoint lines: SVG paths (a dense view bundles a Service's lines into one path: count its segments),
    // or, when the canvas draws them (dot density), the endpoints of the Services drawn.
    edges:
      [...document.querySelectorAll('path.edge')].reduce((n, e) => n + (e.getAttribute('d')?.match(/M/g)?.length ?? 0), 0) ||
      [...window.podium.cluster.getState().rows.values()].filter((r: any) => r.kind === 'Service' && r.namespace === 'default' && r.name !== 'kubernetes').reduce((n: number, r: any) => n + r.endpoints.length, 0),
  }));
}

/** Start a rolling update of every scene Deployment (a new image), at speed 1. */
export async function startRollout(page: Page, image: string): Promise<void> {
  await page.evaluate(async (yaml) => {
    const c = window.podium.client;
    await c.call('apply', { yaml });
    await c.call('setSpeed', { speed: 1 });
  }, sceneManifest(image));
}

/**
 * Wait until every scene Deployment has rolled out `image`: its ReplicaSet for that image has all its
 * replicas ready and its other ReplicaSets are scaled to zero (or the limit). Returns the wall ms waited.
 */
export async function waitRollout(page: Page, t0: number, image: string): Promise<{ ms: number; done: boolean }> {
  const done = await page
    .waitForFunction(
      ({ apps, replicas, image }) => {
        const sets = [...window.podium.cluster.getState().rows.values()].filter((r: any) => r.kind === 'ReplicaSet' && r.name.startsWith('app-'));
        const current = sets.filter((r: any) => r.image === image);
        return current.length === apps && current.every((r: any) => r.replicas === replicas && r.ready === replicas) && sets.every((r: any) => r.image === image || r.replicas === 0);
      },
      { apps: SCENE_APPS, replicas: SCENE_REPLICAS, image },
      { timeout: ROLLOUT_LIMIT_MS, polling: 250 },
    )
    .then(() => true, () => false);
  return { ms: Date.now() - t0, done };
}

async function frames(page: Page, run: () => Promise<void>): Promise<number[]> {
  await page.evaluate(() => {
    window.__bench.frames = [];
    window.__bench.recording = true;
  });
  await run();
  return page.evaluate(() => {
    window.__bench.recording = false;
    return window.__bench.frames as number[];
  });
}

/** Scale the zero-replica `probe` Deployment to 10 and time until its 10 new pods are in the DOM. */
async function commandToPods(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const c = window.podium.client;
    const names = () => [...document.querySelectorAll('g.pod')].map((e) => e.getAttribute('data-name') ?? '').filter((n) => n.startsWith('probe-'));
    const before = new Set(names());
    const layer = document.querySelector('.layer-pods')!;
    const result = await new Promise<number>((resolve) => {
      let t0 = 0;
      const check = () => {
        if (names().filter((n) => !before.has(n)).length >= 10) {
          observer.disconnect();
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(layer, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-name'] });
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve(Infinity);
      }, 10_000);
      t0 = performance.now();
      void c.call('scale', { kind: 'deployment', name: 'probe', namespace: 'default', replicas: 10 });
    });
    await c.call('scale', { kind: 'deployment', name: 'probe', namespace: 'default', replicas: 0 });
    return result;
  });
}

async function pause(page: Page, ms: number): Promise<void> {
  await page.waitForTimeout(ms);
}

/** The canvas page's frames over `ms`, drawing `counts` shapes. */
async function canvasFrames(browser: Browser, counts: { nodes: number; pods: number; services: number }, ms: number): Promise<number[]> {
  const page = await newPage(browser);
  try {
    await page.goto(canvasUrl(counts));
    await page.waitForFunction(() => window.__canvasFirstDraw !== undefined);
    return await frames(page, () => pause(page, ms));
  } finally {
    await page.context().close();
  }
}

async function canvasCommands(browser: Browser, counts: { nodes: number; pods: number; services: number }): Promise<number[]> {
  const page = await newPage(browser);
  try {
    await page.goto(canvasUrl(counts));
    await page.waitForFunction(() => window.__canvasFirstDraw !== undefined);
    const out: number[] = [];
    for (let i = 0; i < COMMAND_RUNS; i++) {
      out.push(await page.evaluate(() => window.__canvasAdd(10)));
      await pause(page, 300);
    }
    return out;
  } finally {
    await page.context().close();
  }
}

export async function runAppBenchmarks(): Promise<void> {
  console.log('## App (built app in headless Chromium; scene M = 50 nodes, 500 pods, 50 services, rolling update)');
  build();
  const entry = entryReport(OUT_DIR);
  console.log(`entry JavaScript: ${fmt(entry.gzip / 1000, 1)} kB gzipped (${fmt(entry.raw / 1000, 0)} kB raw) in ${entry.files.map((f) => f.file).join(', ')}  (target ≤ ${TARGET.entryGzip / 1000} kB)`);
  console.log(`  Monaco in the entry: ${entry.monaco.length ? `YES — ${entry.monaco.join('; ')}` : 'no'}; loaded later: ${entry.lazy.join(', ') || 'nothing'}`);

  if (!existsSync('/usr/bin/chromium')) {
    console.log('  /usr/bin/chromium is missing: browser figures skipped');
    return;
  }
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

    // Cold load, alternating app and canvas so that both see the same machine.
    const cold: { node: number; interactive: number }[] = [];
    const coldBase: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      cold.push(await coldApp(browser));
      coldBase.push(await coldCanvas(browser));
    }
    const coldMs = median(cold.map((c) => c.interactive));
    console.log(
      `cold load → interactive cluster view: median ${fmt(coldMs, 0)} ms, worst ${fmt(Math.max(...cold.map((c) => c.interactive)), 0)} ms (first g.node at ${fmt(median(cold.map((c) => c.node)), 0)} ms)  (target ≤ ${TARGET.coldMs} ms)`,
    );
    console.log(`  bare canvas first draw: median ${fmt(median(coldBase), 0)} ms; ratio ${ratio(coldMs, median(coldBase))}`);

    const page = await openScene(browser);
    const drawn = await shapes(page);
    console.log(`scene M drawn: ${drawn.nodes} nodes, ${drawn.pods} pods, ${drawn.services} services, ${drawn.edges} endpoint lines`);

    // 1. Frame time during a rollout.
    let rollout = { ms: 0, done: false };
    const appFrames = await frames(page, async () => {
      const t0 = Date.now();
      await startRollout(page, 'nginx:1.26');
      rollout = await waitRollout(page, t0, 'nginx:1.26');
    });
    await page.evaluate(() => window.podium.client.call('setSpeed', { speed: 0 }));
    const baseFrames = await canvasFrames(browser, drawn, Math.max(3_000, rollout.ms));
    const fp95 = percentile(appFrames, 95);
    const bp95 = percentile(baseFrames, 95);
    console.log(
      `frame time during the rollout (${rollout.done ? 'completed' : 'NOT completed'} in ${fmt(rollout.ms / 1000, 1)} s, ${appFrames.length} frames): p95 ${fmt(fp95)} ms, median ${fmt(median(appFrames))} ms, max ${fmt(Math.max(...appFrames))} ms, ${appFrames.filter((f) => f > 25).length} frames > 25 ms  (target p95 ≤ ${TARGET.frameMs} ms)`,
    );
    console.log(`  bare canvas, ${drawn.nodes + drawn.pods + drawn.services} shapes: p95 ${fmt(bp95)} ms, median ${fmt(median(baseFrames))} ms; ratio p95 ${ratio(fp95, bp95)}`);

    // 2. Command → its pods on screen, during the next rollout.
    await startRollout(page, 'nginx:1.27');
    const commands: number[] = [];
    for (let i = 0; i < COMMAND_RUNS; i++) {
      commands.push(await commandToPods(page));
      await pause(page, 300);
    }
    await waitRollout(page, Date.now(), 'nginx:1.27');
    await page.evaluate(() => window.podium.client.call('setSpeed', { speed: 0 }));
    const baseCommands = await canvasCommands(browser, drawn);
    const cp95 = percentile(commands, 95);
    const bcp95 = percentile(baseCommands, 95);
    console.log(
      `command → its pods on screen (scale 0 → 10, ${commands.length} runs): p95 ${fmt(cp95, 0)} ms, median ${fmt(median(commands), 0)} ms, timeouts ${commands.filter((c) => !Number.isFinite(c)).length}  (target p95 ≤ ${TARGET.commandMs} ms)`,
    );
    console.log(`  bare canvas (worker echo → 10 shapes drawn): p95 ${fmt(bcp95, 0)} ms; ratio p95 ${ratio(cp95, bcp95)}`);

    // 3. Bytes per frame from the worker, during a third rollout.
    await page.evaluate(() => {
      window.__bench.frameBytes = [];
      window.__bench.frameDeltaBytes = [];
      window.__bench.messages = [];
      window.__bench.countBytes = true;
    });
    const t3 = Date.now();
    await startRollout(page, 'nginx:alpine');
    const r3 = await waitRollout(page, t3, 'nginx:alpine');
    const probe: Pick<Probe, 'frameBytes' | 'frameDeltaBytes' | 'messages'> = await page.evaluate(() => {
      window.__bench.countBytes = false;
      return { frameBytes: window.__bench.frameBytes, frameDeltaBytes: window.__bench.frameDeltaBytes, messages: window.__bench.messages };
    });
    const byType = (t: string) => probe.messages.filter((m) => m.type === t);
    const deltas = byType('delta');
    const snaps = byType('snapshot');
    const deltaFrames = probe.frameDeltaBytes;
    const deltaBytes = deltas.reduce((a, m) => a + m.bytes, 0);
    // Three views of the same traffic: per page frame (what the page must absorb in a frame, which grows when
    // frames are slow), per worker batch (at most one per ~16 ms tick), and per 60 Hz frame of wall time.
    console.log(
      `bytes from the worker during a rollout (${fmt(r3.ms / 1000, 1)} s, ${probe.frameBytes.length} page frames, ${deltas.length} deltas, ${kib(deltaBytes)} in all)  (target ≤ 10 KiB per frame)`,
    );
    console.log(`  per 60 Hz frame of wall time: ${kib((deltaBytes / Math.max(1, r3.ms)) * (1000 / 60))}`);
    console.log(`  per worker batch: p95 ${kib(percentile(deltas.map((m) => m.bytes), 95))}, median ${kib(median(deltas.map((m) => m.bytes)))}, max ${kib(Math.max(0, ...deltas.map((m) => m.bytes)))}; ${deltas.filter((m) => m.bytes > TARGET.frameBytes).length} over 10 KiB`);
    console.log(`  per page frame: p95 ${kib(percentile(deltaFrames, 95))}, max ${kib(Math.max(0, ...deltaFrames))}; ${deltaFrames.filter((b) => b > TARGET.frameBytes).length} frames over 10 KiB`);
    console.log(
      `  besides deltas: autosave snapshots ${snaps.length} × ${snaps.length ? kib(mean(snaps.map((s) => s.bytes))) : '0'}; results and streams: ${probe.messages.length - deltas.length - snaps.length}`,
    );
    await page.context().close();
  } finally {
    await browser?.close();
    stopServer(server);
  }
}
