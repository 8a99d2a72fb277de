import { expect, test, type Page } from '@playwright/test';
import { openFresh, setSpeed } from './helpers';

const checks = (page: Page) => page.locator('.lab-checks .lab-check');

/** Every check of the open step is green. */
async function allGreen(page: Page): Promise<void> {
  await expect.poll(async () => {
    const states = await checks(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    return states.length > 0 && states.every((s) => s === 'ok');
  }, { timeout: 60_000 }).toBe(true);
  await expect(page.getByRole('heading', { name: '✓ Step complete' })).toBeVisible();
}

async function consoleRun(page: Page, line: string, expectOut: string | RegExp): Promise<void> {
  await page.getByLabel('kubectl command').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect(page.locator('.command-output .entry').last()).toContainText(expectOut);
}

test('a learner completes the ReplicaSets lab in the browser: applies the manifest, deletes a pod from the view', async ({ page }, testInfo) => {
  await openFresh(page, '&lab=basics-03-replicasets&step=1');
  const panel = page.getByRole('complementary', { name: 'Labs' });
  await expect(panel.getByRole('heading', { name: 'ReplicaSets — declare three, keep three' })).toBeVisible();
  await panel.getByRole('button', { name: 'Start lab' }).click();
  await expect(page.locator('.banner')).toContainText('A fresh cluster for');
  await expect(checks(page)).toHaveCount(2);
  await expect(checks(page).first()).toHaveAttribute('data-state', 'fail');

  // Step 1: the hint says what to do; apply the manifest.
  await checks(page).first().getByRole('button', { name: 'Hint' }).click();
  await expect(checks(page).first()).toContainText('0 of 0 pods matching app=demo are Ready (want 3)');
  await setSpeed(page, 10);
  await panel.getByRole('button', { name: 'Apply replicaset-demo.yaml' }).click();
  await allGreen(page);
  await expect(page.locator('g.pod[data-name^="demo-replicaset-"][data-health="ready"]')).toHaveCount(3);
  await page.screenshot({ path: testInfo.outputPath('lab3-step1-1280x720.png') });

  // Step 2: delete a pod from the cluster view; the check turns green when the replacement is made.
  await panel.getByRole('button', { name: 'Next →' }).click();
  await expect(panel).toContainText('Step 2 of 3');
  await expect(checks(page).first()).toHaveAttribute('data-state', 'fail');
  const victim = await page.locator('g.pod[data-name^="demo-replicaset-"]').first().getAttribute('data-name');
  await page.locator(`g.pod[data-name="${victim}"]`).click();
  // The step opened its manifest in the editor tab; the pod's actions are on the Inspector tab.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await page.getByRole('button', { name: 'Delete pod' }).click();
  await allGreen(page);
  await expect.poll(async () => page.locator('g.pod[data-name^="demo-replicaset-"][data-health="ready"]').evaluateAll((els, v) => els.filter((e) => e.getAttribute('data-name') !== v).length, victim)).toBe(3);

  // Step 3: "Show me" runs the solution.
  await panel.getByRole('button', { name: 'Next →' }).click();
  await panel.getByRole('button', { name: 'Show me' }).click();
  await allGreen(page);
  await expect(panel.getByRole('button', { name: '✓' })).toHaveCount(3);

  // Progress survives a reload, and the deep link keeps the step.
  expect(page.url()).toContain('lab=basics-03-replicasets&step=3');
  await page.reload();
  await expect(page.getByRole('complementary', { name: 'Labs' })).toContainText('Step 3 of 3');
  await expect(page.getByRole('complementary', { name: 'Labs' }).getByRole('button', { name: '✓' })).toHaveCount(3);
});

test('a learner completes the Deployments lab through the console, and the runner works in presenter mode', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openFresh(page, '&lab=basics-07-deployments&step=1');
  const panel = page.getByRole('complementary', { name: 'Labs' });
  await panel.getByRole('button', { name: 'Start lab' }).click();
  await expect(page.locator('.banner')).toContainText('A fresh cluster for');
  await setSpeed(page, 10);

  const steps: [string, string | RegExp][][] = [
    [
      ['kubectl create deployment demo-deployment --image=web:1 --replicas=3', 'deployment.apps/demo-deployment created'],
      ['kubectl expose deployment demo-deployment --name=demo-deployment-svc --type=NodePort --port=80 --target-port=8080', 'service/demo-deployment-svc exposed'],
    ],
    [['kubectl set image deployment demo-deployment web=web:2', 'deployment.apps/demo-deployment image updated']],
    [['kubectl set image deployment demo-deployment web=akalipetis/headers', 'deployment.apps/demo-deployment image updated']],
    [['kubectl rollout undo deployment demo-deployment', 'deployment.apps/demo-deployment rolled back']],
    [
      ['kubectl rollout history deployment demo-deployment', 'REVISION'],
      ['kubectl rollout undo deployment demo-deployment --to-revision=1', 'deployment.apps/demo-deployment rolled back'],
    ],
  ];
  for (const [i, lines] of steps.entries()) {
    await expect(panel).toContainText(`Step ${i + 1} of 5`);
    await expect(checks(page).first()).toHaveAttribute('data-state', 'fail');
    for (const [line, out] of lines) await consoleRun(page, line, out);
    await allGreen(page);
    if (i === 2) await page.screenshot({ path: testInfo.outputPath('lab7-broken-1920x1080.png') });
    if (i < steps.length - 1) await panel.getByRole('button', { name: 'Next →' }).click();
  }
  await expect(panel.getByRole('button', { name: '✓' })).toHaveCount(5);

  // Presenter mode keeps the runner beside the cluster, in large type.
  await page.keyboard.press('Escape');
  await page.locator('.stage').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await expect(panel.getByRole('heading', { name: 'Deployments — roll out, break it, roll back' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('lab7-presenter-1920x1080.png') });
});

test('the catalog groups labs by track; a step\'s code runs in the console; lab text is never HTML', async ({ page }, testInfo) => {
  await openFresh(page);
  await page.getByRole('button', { name: 'Labs' }).click();
  const panel = page.getByRole('complementary', { name: 'Labs' });
  await expect(panel.getByRole('heading', { name: 'Kubernetes basics' })).toBeVisible();
  await expect(panel.locator('.lab-link')).toHaveCount(8);
  await page.screenshot({ path: testInfo.outputPath('catalog-1280x720.png') });
  await panel.getByRole('button', { name: /Namespaces and the kubectl CLI/ }).click();
  await panel.getByRole('button', { name: 'Start lab' }).click();
  await expect(page.locator('.banner')).toContainText('A fresh cluster for');
  await panel.getByRole('button', { name: 'Run in console: kubectl create namespace workshop' }).click();
  await expect(page.locator('.command-output .entry').last()).toContainText('namespace/workshop created');
  await allGreen(page);
  expect(await page.locator('.labs-panel script, .labs-panel img, .labs-panel iframe').count()).toBe(0);
});
