/**
 * `kubectl describe` of PodDisruptionBudgets, PriorityClasses and ServiceAccounts (describe.go's
 * describePodDisruptionBudgetV1, describePriorityClass, describeServiceAccount).
 */
import type { KObject } from '../../../api/types';
import { formatSelector } from '../../../api/selectors';
import { formatLabels } from '../tables/types';
import { annotationsMultiline, describeEvents, DescribeWriter, intOrString, labelsMultiline, type DescribeContext } from './common';

export function describePodDisruptionBudget(pdb: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = pdb.spec ?? {};
  const s = pdb.status ?? {};
  w.line(`Name:\t${pdb.metadata.name}`);
  w.line(`Namespace:\t${pdb.metadata.namespace}`);
  // Only one of the two may be set (validation); kubectl shows minAvailable when both somehow are.
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) w.line(`Min available:\t${intOrString(spec.minAvailable)}`);
  else if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) w.line(`Max unavailable:\t${intOrString(spec.maxUnavailable)}`);
  w.line(`Selector:\t${spec.selector ? formatSelector(spec.selector) : '<unset>'}`);
  w.line('Status:');
  w.w(2, `Allowed disruptions:\t${s.disruptionsAllowed ?? 0}\n`);
  w.w(2, `Current:\t${s.currentHealthy ?? 0}\n`);
  w.w(2, `Desired:\t${s.desiredHealthy ?? 0}\n`);
  w.w(2, `Total:\t${s.expectedPods ?? 0}\n`);
  describeEvents(w, ctx.eventsFor(pdb), ctx.now);
  return w.toString();
}

export function describePriorityClass(pc: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${pc.metadata.name}`);
  w.line(`Value:\t${pc.value ?? 0}`);
  w.line(`GlobalDefault:\t${pc.globalDefault === true}`);
  // The API server defaults preemptionPolicy to PreemptLowerPriority.
  w.line(`PreemptionPolicy:\t${pc.preemptionPolicy ?? 'PreemptLowerPriority'}`);
  w.line(`Description:\t${pc.description ?? ''}`);
  // labels.FormatLabels, as kubectl prints a PriorityClass's annotations (last-applied included).
  w.line(`Annotations:\t${formatLabels(pc.metadata.annotations)}`);
  describeEvents(w, ctx.eventsFor(pc), ctx.now);
  return w.toString();
}

const SA_NAME = 'kubernetes.io/service-account.name';
const SA_UID = 'kubernetes.io/service-account.uid';

/**
 * Tokens are the namespace's service-account-token Secrets annotated with this account's name and
 * uid; a secret the account names that does not exist is marked `(not found)`. Headers come in
 * sorted order, each padded to the width of the longest, as kubectl writes them.
 */
export function describeServiceAccount(sa: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${sa.metadata.name}`);
  w.line(`Namespace:\t${sa.metadata.namespace}`);
  labelsMultiline(w, 'Labels', sa.metadata.labels);
  annotationsMultiline(w, 'Annotations', sa.metadata.annotations);

  const secrets = ctx.list('Secret', sa.metadata.namespace);
  const existing = new Set(secrets.map((s) => s.metadata.name));
  const tokens = secrets
    .filter((s) => s.type === 'kubernetes.io/service-account-token' && s.metadata.annotations?.[SA_NAME] === sa.metadata.name && s.metadata.annotations?.[SA_UID] === sa.metadata.uid)
    .map((s) => s.metadata.name);
  const names = (refs: any[] | undefined) => (refs ?? []).map((r) => String(r?.name ?? ''));
  const sections: [string, string[]][] = [
    ['Image pull secrets:', names(sa.imagePullSecrets)],
    ['Mountable secrets: ', names(sa.secrets)],
    ['Tokens:            ', tokens],
  ];
  const blank = ' '.repeat(19);
  for (const [header, list] of sections) {
    if (!list.length) {
      w.line(`${header}\t<none>`);
      continue;
    }
    list.forEach((n, i) => w.line(`${i ? blank : header}\t${n}${existing.has(n) ? '' : ' (not found)'}`));
  }
  describeEvents(w, ctx.eventsFor(sa), ctx.now);
  return w.toString();
}
