import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

// The README promises its engine example runs as written: run it.
it("the README's engine example runs as written and prints what its comments say", async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Engine API'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
  expect(code).toContain("from './src/sim/index'");
  const file = `${root}scripts/.readme-example.generated.ts`;
  writeFileSync(file, code.replace("'./src/sim/index'", "'../src/sim/index'"));
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
    rmSync(file, { force: true });
  }
  const out = lines.join('\n');
  expect(lines[0]).toBe('created');
  expect(out).toMatch(/^web {4}3\/3 {5}3 {12}3 {11}30s$/m);
  expect(out).toMatch(/^delivered 200 Hello from web-[a-z0-9]+-[a-z0-9]{5} \(web:1\)/m);
  expect(out).toContain('\ntrue\n');
  expect(out).toMatch(/^1 Deployment is served as apiVersion: apps\/v1/m);
});
