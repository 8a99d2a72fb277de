import { expect, test, type Page } from '@playwright/test';
import { openFresh, setSpeed } from './helpers';

/** The console's screen-reader log: the text of the last command's entry. */
const last = (page: Page) => page.locator('.command-output .entry').last();

async function type(page: Page, text: string): Promise<void> {
  await page.getByLabel('kubectl command').focus();
  await page.keyboard.type(text);
}

test('a heredoc apply in the console creates the object', async ({ page }, testInfo) => {
  await openFresh(page);
  await page.getByLabel('kubectl command').focus();
  for (const line of ['cat <<EOF | kubectl apply -f -', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: lab', 'EOF']) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await expect(last(page)).toContainText('namespace/lab created');
  await type(page, 'k get ns lab');
  await page.keyboard.press('Enter');
  await expect(last(page)).toContainText(/lab\s+Active/);
  await page.screenshot({ path: testInfo.outputPath('console-1280x720.png') });
});

test('kubectl get pods -w prints the new pod\'s phases until Ctrl+C', async ({ page }) => {
  await openFresh(page);
  await type(page, 'kubectl get pods -w');
  await page.keyboard.press('Enter');
  await expect(last(page)).toContainText('NAME   READY   STATUS   RESTARTS   AGE');
  await page.evaluate(() => (window as any).podium.client.call('kubectl', { line: 'kubectl run web --image=nginx:1.25' }));
  await setSpeed(page, 5);
  await expect(last(page)).toContainText(/web\s+0\/1\s+Pending/);
  await expect(last(page)).toContainText(/web\s+0\/1\s+ContainerCreating/);
  await expect(last(page)).toContainText(/web\s+1\/1\s+Running/);
  await page.keyboard.press('Control+C');
  await expect(last(page)).toContainText('^C');
  // The prompt is back: history recalls the watch.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Control+U');
  await type(page, 'kubectl rollout status deploy/none');
  await page.keyboard.press('Enter');
  await expect(last(page)).toContainText('Error from server (NotFound): deployments.apps "none" not found');
});

test('tab completion of commands and object names; history survives a reload', async ({ page }) => {
  await openFresh(page);
  await type(page, 'kubectl create deployment web --image=nginx:1.25');
  await page.keyboard.press('Enter');
  await expect(last(page)).toContainText('deployment.apps/web created');
  await type(page, 'k descr');
  await page.keyboard.press('Tab');
  await type(page, 'deploy/w');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(last(page).locator('.prompt-echo')).toHaveText('$ k describe deploy/web');
  await expect(last(page)).toContainText('Name:                   web');
  await page.waitForTimeout(300);
  await page.reload();
  await expect(page.locator('g.node').first()).toBeVisible();
  await page.getByLabel('kubectl command').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(last(page).locator('.prompt-echo')).toHaveText('$ k describe deploy/web');
});
