/** Profile helper: `node --cpu-prof --import tsx scripts/bench/profile-scale.ts <nodes> <replicas>`. */
import { scaleUp } from './engine';

const [nodes = '100', replicas = '2000'] = process.argv.slice(2);
const r = scaleUp(Number(nodes), Number(replicas));
console.log(JSON.stringify(r));
