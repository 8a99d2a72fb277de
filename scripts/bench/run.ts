/** `npm run bench`: every benchmark, printed as figures and ratios (never failing on absolute times). */
import { runEngineBenchmarks } from './engine';
import { runAppBenchmarks } from './app';

const only = process.argv[2];
if (!only || only === 'engine') runEngineBenchmarks();
if (!only || only === 'app') await runAppBenchmarks();
if (!only || only === 'packets') await (await import('./packets')).runPacketBenchmarks();
if (!only || only === 'editor') await (await import('./editor')).runEditorBenchmarks();
if (!only || only === 'network') (await import('./network')).runNetworkBenchmarks();
