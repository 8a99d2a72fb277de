/**
 * `npm run labs:check`: load every lab under labs/, and prove each step checkable and solvable on a
 * headless cluster (src/labs/checker.ts). Exits 1 with a report on any broken lab. `-- <id>` checks one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadLabs } from '../src/labs/loader';
import { checkLab, formatReports } from '../src/labs/checker';

const root = join(import.meta.dirname, '..', 'labs');
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files: Record<string, string> = {};
for (const dir of readdirSync(root)) {
  const d = join(root, dir);
  if (!statSync(d).isDirectory()) continue;
  if (only.length && !only.some((o) => dir.includes(o))) continue;
  for (const f of readdirSync(d)) if (statSync(join(d, f)).isFile()) files[`${dir}/${f}`] = readFileSync(join(d, f), 'utf8');
}

const { labs, errors } = loadLabs(files);
for (const e of errors) console.error(`${e.file}:${e.line}:${e.column}: ${e.message}`);
const started = performance.now();
const reports = labs.map((lab) => checkLab(lab));
console.log(formatReports(reports));
const broken = reports.filter((r) => r.problems.length).length;
console.log(
  `\n${labs.length} labs, ${reports.reduce((n, r) => n + r.steps, 0)} steps, ${reports.reduce((n, r) => n + r.checks, 0)} checks in ${Math.round(performance.now() - started)} ms: ` +
    (broken || errors.length ? `${broken} broken, ${errors.length} load error(s)` : 'all green'),
);
if (!labs.length && !errors.length) console.error('no labs found under labs/');
process.exit(broken || errors.length || !labs.length ? 1 : 0);
