import { expect, test, type Page } from '@playwright/test';
import { openFresh } from './helpers';

test.use({ viewport: { width: 1920, height: 1080 } });

async function preset(page: Page, id: string): Promise<void> {
  await page.locator(`[data-preset="${id}"]`).click();
  const offer = page.locator('.offer button').first();
  // A journey the cluster cannot show yet offers the demo setup (or the ingress add-on) instead.
  if (await offer.isVisible({ timeout: 1500 }).catch(() => false)) await offer.click();
  await expect(page.locator(`[data-preset="${id}"][aria-pressed="true"]`)).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('tr.hop').first()).toBeVisible();
}

async function currentIndex(page: Page): Promise<number> {
  return page.locator('tr.hop').evaluateAll((rows) => rows.findIndex((r) => r.getAttribute('aria-current') === 'step'));
}

async function shot(page: Page, name: string, testInfo: import('@playwright/test').TestInfo): Promise<void> {
  await page.waitForTimeout(400);
  const path = testInfo.outputPath(`packets-${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(`packets-${name}`, { path, contentType: 'image/png' });
}

test('packet mode traces the slides\' journeys hop by hop', async ({ page }, testInfo) => {
  await openFresh(page, '&presenter=1');
  await page.getByRole('button', { name: /Packets/ }).click();
  await expect(page.getByRole('complementary', { name: 'Packet mode' })).toBeVisible();
  // T closes and opens packet mode from the keyboard.
  await page.keyboard.press('t');
  await expect(page.getByRole('complementary', { name: 'Packet mode' })).toBeHidden();
  await page.keyboard.press('t');
  await expect(page.getByRole('complementary', { name: 'Packet mode' })).toBeVisible();

  // Pod → Service: a DNAT hop by a KUBE-SEP chain, and it arrives at a pod of that Service.
  await preset(page, 'service');
  const dnat = page.locator('tr.hop[data-action="dnat"]');
  await expect(dnat).toHaveCount(1);
  await expect(dnat.locator('.rule')).toHaveText(/^KUBE-SEP-[A-Z2-7]{16}$/);
  await expect(dnat.locator('mark.rewritten')).toContainText('✎10.244.');
  await expect(page.locator('.outcome')).toContainText('answered by default/echo-');
  const last = page.locator('tr.hop').last();
  await expect(last).toHaveAttribute('data-action', 'deliver');
  await expect(last).toContainText('pod default/echo-');

  // Stepping back and forth moves the highlight.
  await page.locator('tr.hop').nth(3).click();
  expect(await currentIndex(page)).toBe(3);
  await page.getByRole('button', { name: 'Step back' }).click();
  expect(await currentIndex(page)).toBe(2);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.getByRole('button', { name: 'Step forward' }).click();
  expect(await currentIndex(page)).toBe(4);
  await page.keyboard.press('[');
  expect(await currentIndex(page)).toBe(3);
  await page.locator('tr.hop[data-action="dnat"]').click();
  await shot(page, 'service', testInfo);

  // The reply: it starts at the reply's first hop and shows the reverse rewrite back to the Service IP.
  await preset(page, 'reply');
  const un = page.locator('tr.hop[data-action="un-dnat"]');
  await expect(un).toHaveCount(1);
  await expect(un).toHaveClass(/reply/);
  await expect(un.locator('mark.rewritten').first()).toContainText(/✎10\.(9[6-9]|1[01]\d)\./);
  await un.click();
  await shot(page, 'reply', testInfo);

  // A denied connection stops with the drop and the policy's name.
  await preset(page, 'policy-drop');
  await expect(page.locator('.outcome')).toHaveAttribute('data-outcome', 'dropped');
  const drop = page.locator('tr.hop').last();
  await expect(drop).toHaveAttribute('data-action', 'policy-drop');
  await expect(drop).toContainText('default/db-allow-api');
  await drop.click();
  await shot(page, 'policy-drop', testInfo);

  for (const id of ['same-node', 'cross-node', 'internet', 'nodeport', 'loadbalancer', 'dns']) {
    await preset(page, id);
    await expect(page.locator('.outcome')).toHaveAttribute('data-outcome', 'delivered');
    const interesting = page.locator('tr.hop[data-action="snat"], tr.hop[data-action="dnat"], tr.hop[data-action="encapsulate"]').first();
    if (await interesting.count()) await interesting.click();
    await shot(page, id, testInfo);
  }

  // Send N requests: the counters show the spread over the Service's endpoints.
  await preset(page, 'service');
  await page.getByLabel('Number of requests').fill('60');
  await page.getByRole('button', { name: 'Send 60 requests' }).click();
  const spread = page.locator('table.spread tbody tr');
  await expect(spread).toHaveCount(3);
  const counts = await page.locator('table.spread td.count').allInnerTexts();
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(60);
  await expect(page.locator('table.spread tbody')).toContainText('33%');

  // Zoom into the node: its insides and kube-proxy's rules for the Service in play.
  await page.locator('tr.hop[data-action="dnat"]').click();
  await page.getByRole('button', { name: /^Inside node-/ }).click();
  const zoom = page.getByRole('dialog', { name: /^Inside node-/ });
  await expect(zoom.locator('.nat-rules li.used')).toContainText('◀ this packet');
  await expect(zoom).toContainText('cni0 (bridge) 10.244.');
  await shot(page, 'node-zoom', testInfo);
  await zoom.getByRole('button', { name: 'Close node view' }).click();

  // The Ingress journey needs the add-on: enabling it restarts the cluster from its own history.
  await preset(page, 'ingress');
  await expect(page.locator('tr.hop[data-action="proxy"]')).toContainText('pod ingress-nginx/ingress-nginx-controller-');
  await expect(page.locator('.outcome')).toContainText('answered by default/echo-');
  await page.locator('tr.hop[data-action="proxy"]').click();
  await shot(page, 'ingress', testInfo);
});
