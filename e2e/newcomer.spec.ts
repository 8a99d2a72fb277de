import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { kubectl, openFresh, pods, setSpeed } from './helpers';

test('a newcomer watches a Deployment self-heal, survive a node failure and a reload', async ({ page }, testInfo) => {
  const requests = await openFresh(page);

  // The nodes, and the control plane's pods when asked for.
  for (const n of ['control-plane', 'node-1', 'node-2', 'node-3']) await expect(page.locator(`g.node:has(text.node-name:text-is("${n}"))`)).toBeVisible();
  await page.getByLabel('System pods').check();
  await expect(page.locator('g.pod[data-name="etcd-control-plane"]')).toBeVisible();
  await page.getByLabel('System pods').uncheck();

  // Create a Deployment from the command line; its pods appear and turn Ready.
  expect(await kubectl(page, 'kubectl create deployment web --image=nginx:1.25 --replicas=3')).toContain('deployment.apps/web created');
  await expect.poll(async () => (await pods(page, 'web-')).filter((p) => p.health === 'ready').length).toBe(3);

  // Delete one: a replacement with a new name appears and turns Ready.
  const before = (await pods(page, 'web-')).map((p) => p.name);
  await page.locator(`g.pod[data-name="${before[0]}"]`).click();
  await page.getByRole('button', { name: 'Delete pod' }).click();
  await expect.poll(async () => {
    const now = await pods(page, 'web-');
    return now.filter((p) => p.health === 'ready' && !before.includes(p.name)).length;
  }).toBe(1);

  // Stop the node that runs a web pod: after the eviction timeout its pods run elsewhere.
  const onNode = await page.locator('g.pod[data-name^="web-"]').first().getAttribute('aria-label');
  const nodeName = /on (node-\d)/.exec(onNode ?? '')![1];
  await page.locator(`g.node:has(text.node-name:text-is("${nodeName}"))`).click();
  await page.getByRole('button', { name: 'Stop node' }).click();
  await setSpeed(page, 20);
  await expect(page.locator(`g.node:has(text.node-name:text-is("${nodeName}"))`)).toHaveClass(/not-ready/, { timeout: 60_000 });
  await expect
    .poll(async () => {
      const labels = await page.locator('g.pod[data-name^="web-"][data-health="ready"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      return labels.length === 3 && labels.every((l) => !l.includes(`on ${nodeName}`));
    }, { timeout: 90_000 })
    .toBe(true);
  await setSpeed(page, 1);

  // Reload: the same cluster comes back.
  const names = (await pods(page, 'web-')).filter((p) => p.health === 'ready').map((p) => p.name).sort();
  await page.evaluate(async () => {
    const w = window as unknown as { podium: { client: { snapshotNow(): Promise<unknown> } } };
    await w.podium.client.snapshotNow();
  });
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.locator('g.node').first()).toBeVisible();
  await expect.poll(async () => (await pods(page, 'web-')).filter((p) => p.health === 'ready').map((p) => p.name).sort()).toEqual(names);

  // Nothing left the origin.
  const origin = new URL(page.url()).origin;
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('newcomer-1280x720.png') });
});

test('presenter mode fits 1920×1080 and is driven by the keyboard', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openFresh(page, '&presenter=1');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await expect(page.locator('.sidebar')).toBeHidden();
  const scroll = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
  expect(scroll.w).toBeLessThanOrEqual(1920);
  expect(scroll.h).toBeLessThanOrEqual(1080);
  // Space pauses, → steps one simulated second.
  await page.locator('body').press('Space');
  await expect(page.getByRole('button', { name: /Play/ })).toBeVisible();
  const t0 = await page.locator('output.clock').innerText();
  await page.locator('body').press('ArrowRight');
  await expect(page.locator('output.clock')).not.toHaveText(t0);
  await page.locator('body').press('p');
  await expect(page.locator('html')).not.toHaveClass(/presenter/);
  await page.locator('body').press('p');
  await page.screenshot({ path: testInfo.outputPath('presenter-1920x1080.png') });
});

test('no serious accessibility violations, and every control is reachable by keyboard', async ({ page }) => {
  await openFresh(page);
  await kubectl(page, 'kubectl create deployment web --image=nginx:1.25 --replicas=2');
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  const unreachable = await page.evaluate(() =>
    [...document.querySelectorAll('button, select, input, summary, [role="button"]')]
      .filter((e) => (e as HTMLElement).tabIndex < 0 && !(e as HTMLInputElement).disabled && !(e as HTMLElement).hidden && (e as HTMLElement).offsetParent !== null)
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  expect(unreachable).toEqual([]);
});
