/** `npm run bench`: every benchmark, printed as figures and ratios (never failing on absolute times). */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { runAppBenchmarks } from './app';

const only = process.argv[2];
if (!only || only === 'engine') await runEngineBundled();
if (!only || only === 'app') await runAppBenchmarks();
if (!only || only === 'packets') await (await import('./packets')).runPacketBenchmarks();
if (!only || only === 'editor') await (await import('./editor')).runEditorBenchmarks();
if (!only || only === 'network') (await import('./network')).runNetworkBenchmarks();

/**
 * The engine benchmark runs on the engine bundled by esbuild, as the page's worker runs a bundle, in
 * a fresh Node process. (Under tsx the engine runs ~15% slower: tsx transforms with esbuild's
 * keepNames, which wraps every function created, closures in hot paths included, in a naming call.)
 */
async function runEngineBundled(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(here, '../../node_modules/.cache/podium-bench/engine.cjs');
  mkdirSync(dirname(out), { recursive: true });
  await build({ entryPoints: [join(here, 'engine-main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
  const r = spawnSync(process.execPath, ['--expose-gc', out], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}
