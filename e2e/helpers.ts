import { expect, type Page } from '@playwright/test';

/** Open a fresh cluster and wait until the view is drawn. Collects every request the page makes. */
export async function openFresh(page: Page, query = ''): Promise<string[]> {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`/?fresh=1${query}`);
  await expect(page.locator('g.node').first()).toBeVisible();
  return requests;
}

/** Run a kubectl command in the page's command line; returns its output text. */
export async function kubectl(page: Page, line: string): Promise<string> {
  const before = await page.locator('.command-output .entry').count();
  await page.getByLabel('kubectl command').fill(line);
  await page.getByLabel('kubectl command').press('Enter');
  await expect(page.locator('.command-output .entry')).toHaveCount(before + 1);
  return (await page.locator('.command-output .entry').last().innerText()).trim();
}

export async function setSpeed(page: Page, speed: number): Promise<void> {
  await page.getByLabel('Speed').selectOption(String(speed));
}

/** Names of the pods drawn whose name starts with `prefix`, with their health. */
export async function pods(page: Page, prefix: string): Promise<{ name: string; health: string }[]> {
  return page.locator('g.pod').evaluateAll(
    (els, p) =>
      els
        .filter((e) => !e.classList.contains('leaving'))
        .map((e) => ({ name: e.getAttribute('data-name') ?? '', health: e.getAttribute('data-health') ?? '' }))
        .filter((x) => x.name.startsWith(p)),
    prefix,
  );
}
