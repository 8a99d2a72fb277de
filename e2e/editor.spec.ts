import { expect, test, type Page } from '@playwright/test';
import { openFresh, pods, setSpeed } from './helpers';

type Marker = { owner: string; line: number; message: string };

async function openEditor(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Edit' }).click();
  await expect(page.getByRole('button', { name: 'Apply' })).toBeEnabled();
}

async function setText(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => (window as any).podiumEditor.editor.getModel().setValue(t), text);
}

async function markers(page: Page): Promise<Marker[]> {
  return page.evaluate(() => {
    const { monaco, editor } = (window as any).podiumEditor;
    return monaco.editor.getModelMarkers({ resource: editor.getModel().uri }).map((m: any) => ({ owner: m.owner, line: m.startLineNumber, message: m.message }));
  });
}

const WRONG = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        portz: [{containerPort: 80}]
`;

test('a wrong field is marked on its line; fixed, Apply creates the pods on the cluster view', async ({ page }, testInfo) => {
  await openFresh(page);
  await openEditor(page);
  await setText(page, WRONG);
  // The schema marks it as it is typed…
  await expect.poll(async () => (await markers(page)).filter((m) => m.owner === 'yaml').map((m) => `${m.line} ${m.message}`)).toEqual(['16 Property portz is not allowed.']);
  // …and Apply shows kubectl's answer at the same line.
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('.editor-status.error')).toContainText('strict decoding error: unknown field "spec.template.spec.containers[0].portz"');
  const apply = (await markers(page)).filter((m) => m.owner === 'kubectl-apply');
  expect(apply.map((m) => m.line)).toEqual([16]);
  expect(apply[0].message).toContain('Error from server (BadRequest): error when creating "STDIN"');
  await page.screenshot({ path: testInfo.outputPath('editor-marker-1280x720.png') });

  await setText(page, WRONG.replace('portz', 'ports'));
  await expect.poll(async () => (await markers(page)).length).toBe(0);
  // Ctrl+Enter in the editor applies.
  await page.evaluate(() => (window as any).podiumEditor.editor.focus());
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('.editor-status')).toHaveText('deployment.apps/web created');
  await setSpeed(page, 5);
  await expect.poll(async () => (await pods(page, 'web-')).filter((p) => p.health === 'ready').length).toBe(2);
});

test('completion offers spec.replicas inside a Deployment, and hover shows the API docs', async ({ page }) => {
  await openFresh(page);
  await openEditor(page);
  await page.evaluate(() => {
    const e = (window as any).podiumEditor.editor;
    e.getModel().setValue('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  ');
    e.setPosition({ lineNumber: 6, column: 3 });
    e.focus();
  });
  await page.keyboard.type('rep');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.suggest-widget .monaco-list-row').first()).toContainText('replicas');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => (window as any).podiumEditor.editor.getModel().getLineContent(6))).toMatch(/^ {2}replicas: ?/);
  // Hover: the field's doc comment from the Kubernetes API.
  await page.evaluate(() => {
    const e = (window as any).podiumEditor.editor;
    e.setPosition({ lineNumber: 6, column: 4 });
    e.trigger('test', 'editor.action.showHover', {});
  });
  await expect(page.locator('.monaco-hover').first()).toContainText('Number of desired pods');
});

test('the quick fix converts an extensions/v1beta1 Deployment to apps/v1, and it applies', async ({ page }) => {
  await openFresh(page);
  await openEditor(page);
  await setText(page, WRONG.replace('apps/v1', 'extensions/v1beta1').replace('portz', 'ports').replace(/ {2}selector:\n {4}matchLabels: \{app: web\}\n/, ''));
  await expect.poll(async () => (await markers(page)).filter((m) => m.owner === 'retired-api').map((m) => m.line)).toEqual([1]);
  // Applied as it is, the engine answers as the API server does.
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('.editor-status.error')).toContainText('no matches for kind "Deployment" in version "extensions/v1beta1"');
  // The editor's quick fix (Ctrl+. on the apiVersion line).
  await page.evaluate(() => {
    const e = (window as any).podiumEditor.editor;
    e.setPosition({ lineNumber: 1, column: 14 });
    e.focus();
  });
  await page.keyboard.press('Control+.');
  await page.locator('.action-widget').getByText('Convert Deployment to apps/v1').click();
  const text = await page.evaluate(() => (window as any).podiumEditor.editor.getModel().getValue());
  expect(text).toContain('apiVersion: apps/v1');
  expect(text).toMatch(/selector:\n {4}matchLabels: \{ app: web \}/);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('.editor-status')).toHaveText('deployment.apps/web created');
});

test('buffers are kept across a reload', async ({ page }) => {
  await openFresh(page);
  await openEditor(page);
  await page.getByRole('button', { name: 'New scratch buffer' }).click();
  await setText(page, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: kept}\n');
  await page.waitForTimeout(600); // saves are debounced
  await page.reload();
  await expect(page.locator('g.node').first()).toBeVisible();
  await openEditor(page);
  await expect(page.getByRole('button', { name: 'scratch 2', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.evaluate(() => (window as any).podiumEditor.editor.getModel().getValue())).toContain('name: kept');
});
