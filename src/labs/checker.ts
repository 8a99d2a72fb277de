/**
 * The headless lab checker (`npm run labs:check`): for every step, its checks must fail before its
 * solution runs and pass after (a check that passes before is one that cannot fail: a broken lab),
 * and every setup and solution action must succeed. Steps run in order on one cluster, as a learner
 * would take them, with `onEnter` actions first.
 */
import { createCluster } from '../sim/index';
import type { Lab } from './types';
import { runActions } from './actions';
import { evaluateChecks } from './evaluate';
import type { LabCluster } from './cluster';

export type Problem = { step?: string; message: string };
export type LabReport = { lab: string; steps: number; checks: number; problems: Problem[] };

export function checkLab(lab: Lab, make: (lab: Lab) => LabCluster = (l) => createCluster(l.cluster)): LabReport {
  const problems: Problem[] = [];
  let cluster: LabCluster;
  try {
    cluster = make(lab);
  } catch (e) {
    return { lab: lab.id, steps: lab.steps.length, checks: 0, problems: [{ message: `the cluster could not be created: ${(e as Error).message}` }] };
  }
  for (const o of runActions(cluster, lab, lab.setup)) if (!o.ok) problems.push({ message: `setup: \`${o.action}\` failed: ${o.output}` });
  let checks = 0;
  for (const step of lab.steps) {
    const where = `${step.id} (${step.title})`;
    const since = cluster.now;
    for (const o of runActions(cluster, lab, step.onEnter)) if (!o.ok) problems.push({ step: where, message: `onEnter: \`${o.action}\` failed: ${o.output}` });
    const before = evaluateChecks(cluster, step.checks, { since });
    before.forEach((r, i) => {
      if (r.ok) problems.push({ step: where, message: `check ${i + 1} ("${r.message}") passes before the solution: it cannot fail (${r.detail})` });
    });
    for (const o of runActions(cluster, lab, step.solution)) if (!o.ok) problems.push({ step: where, message: `solution: \`${o.action}\` failed: ${o.output}` });
    const after = evaluateChecks(cluster, step.checks, { since });
    after.forEach((r, i) => {
      if (!r.ok) problems.push({ step: where, message: `check ${i + 1} ("${r.message}") fails after the solution: ${r.detail}` });
    });
    checks += step.checks.length;
  }
  return { lab: lab.id, steps: lab.steps.length, checks, problems };
}

/** The report a person reads: one line per lab, the problems under it. */
export function formatReports(reports: LabReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.problems.length ? '✗' : '✓'} ${r.lab}: ${r.steps} steps, ${r.checks} checks${r.problems.length ? `, ${r.problems.length} problem(s)` : ''}`);
    for (const p of r.problems) lines.push(`    ${p.step ? `step ${p.step}: ` : ''}${p.message}`);
  }
  return lines.join('\n');
}
