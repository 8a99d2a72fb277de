/** Entry of the engine benchmark's bundle (see run.ts): the engine as the page ships it, bundled. */
import { runEngineBenchmarks } from './engine';

runEngineBenchmarks();
