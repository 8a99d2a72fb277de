/**
 * The editor's and console's benchmark (issue 6's performance section), on the built app in headless
 * Chromium. Prints figures beside their targets; asserts nothing (a shared 2-core machine is noisy).
 * `npm run bench editor` runs only this.
 *
 * - Entry bundle free of Monaco (the manifest's static imports from the entry, and Monaco-only strings).
 * - Click "Edit" → an editable, schema-aware editor (the schema's completion answers inside a
 *   Deployment), in a fresh browser context (cold cache) with the idle prefetch off (`?prefetch=0`),
 *   and with it on (the page idle for 3 s first, as a learner reading a slide).
 * - Typing latency: keydown → the character in Monaco's model, while the simulation runs scene M's
 *   rollouts at 20×, against the same typing with the simulation paused.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, newPage, startServer, stopServer } from './app';
import { entryReport } from './app/bundle';
import { sceneManifest, SCENE_SPEC } from './app/scene';
import { fmt, percentile, median, ratio } from './app/stats';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

declare const window: any;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'podium-bench', 'dist');
const ORIGIN = 'http://localhost:4183';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CHROMIUM = process.env.PODIUM_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const TARGET_EDIT_MS = 1500;
const RUNS = 3;
const KEYS = 60;

/** Click "Edit" until Monaco's YAML worker answers a completion inside a Deployment's spec. */
async function editToSchemaAware(browser: Browser, prefetch: boolean): Promise<number> {
  const page = await newPage(browser);
  await page.goto(`${ORIGIN}/?fresh=1${prefetch ? '' : '&prefetch=0'}`);
  await page.locator('g.node').first().waitFor();
  if (prefetch) await page.waitForTimeout(3000);
  const t0 = Date.now();
  await page.getByRole('tab', { name: 'Edit' }).click();
  await page.waitForFunction(() => !!window.podiumEditor, undefined, { polling: 10 });
  await page.waitForFunction(
    async () => {
      const { editor } = window.podiumEditor;
      const model = editor.getModel();
      if (model.getValue() !== 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  ') model.setValue('apiVersion: apps/v1\nkind: Deployment\nspec:\n  ');
      editor.setPosition({ lineNumber: 4, column: 3 });
      editor.focus();
      editor.trigger('bench', 'editor.action.triggerSuggest', {});
      await new Promise((r) => setTimeout(r, 20));
      return [...document.querySelectorAll('.suggest-widget .monaco-list-row')].some((e) => e.textContent?.includes('replicas'));
    },
    undefined,
    { polling: 50, timeout: 20_000 },
  );
  const ms = Date.now() - t0;
  await page.context().close();
  return ms;
}

/** Keydown → model change latency for KEYS characters typed in the editor. */
async function typing(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const { editor } = window.podiumEditor;
    editor.getModel().setValue('# typing\n');
    editor.setPosition({ lineNumber: 2, column: 1 });
    editor.focus();
    window.__lat = [];
    window.__down = 0;
    editor.getDomNode().addEventListener('keydown', () => (window.__down = performance.now()), true);
    editor.getModel().onDidChangeContent(() => window.__down && window.__lat.push(performance.now() - window.__down));
  });
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    await page.waitForTimeout(30);
  }
  return page.evaluate(() => window.__lat as number[]);
}

export async function runEditorBenchmarks(): Promise<void> {
  console.log('\n== editor & console (issue 6) ==');
  build();
  const entry = entryReport(OUT_DIR);
  console.log(`entry bundle: ${fmt(entry.gzip / 1024)} KiB gzip; Monaco in it: ${entry.monaco.length ? entry.monaco.join(', ') : 'no'}`);
  const server = await startServer();
  const browser = await chromium.launch({ args: CHROMIUM_ARGS, ...(CHROMIUM ? { executablePath: CHROMIUM } : {}) });
  try {
    for (const prefetch of [false, true]) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await editToSchemaAware(browser, prefetch));
      console.log(`"Edit" → schema-aware editor, cold cache, prefetch ${prefetch ? 'on' : 'off'}: median ${fmt(median(times))} ms (runs ${times.map((t) => fmt(t)).join(', ')}; target ≤ ${TARGET_EDIT_MS} ms, ${ratio(median(times), TARGET_EDIT_MS)} of it)`);
    }

    const page = await newPage(browser);
    await page.goto(`${ORIGIN}/?fresh=1`);
    await page.locator('g.node').first().waitFor();
    await page.getByRole('tab', { name: 'Edit' }).click();
    await page.waitForFunction(() => !!window.podiumEditor);
    await page.evaluate(() => window.podium.client.call('setSpeed', { speed: 0 }));
    const idle = await typing(page);
    await page.evaluate(async (yaml) => {
      await window.podium.client.start({ spec: yaml.spec });
      await window.podium.client.call('apply', { yaml: yaml.manifest });
      await window.podium.client.call('setSpeed', { speed: 20 });
    }, { spec: SCENE_SPEC, manifest: sceneManifest('nginx:1.25') });
    await page.waitForTimeout(2000);
    await page.evaluate(() => window.podium.client.call('kubectl', { line: 'kubectl set image deployment --all web=nginx:1.26' }));
    const busy = await typing(page);
    console.log(`typing latency (keydown → model), paused: p50 ${fmt(median(idle))} ms, p95 ${fmt(percentile(idle, 95))} ms`);
    console.log(`typing latency with scene M rolling out at 20×: p50 ${fmt(median(busy))} ms, p95 ${fmt(percentile(busy, 95))} ms (${ratio(percentile(busy, 95), percentile(idle, 95))} of paused)`);
    await page.context().close();
  } finally {
    await browser.close();
    stopServer(server);
  }
}
