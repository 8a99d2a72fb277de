/**
 * `kubectl describe` of Roles, ClusterRoles, RoleBindings and ClusterRoleBindings (describe.go's
 * RoleDescriber and friends, with kubectl's util/rbac BreakdownRule / CompactRules / SortableRuleSlice).
 * None of them lists events.
 */
import type { KObject } from '../../../api/types';
import { annotationsMultiline, DescribeWriter, labelsMultiline } from './common';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames: string[]; nonResourceURLs: string[] };

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** BreakdownRule: one rule per group × resource × verb (× resource name), and per URL × verb. */
function breakdown(rule: any): Rule[] {
  const out: Rule[] = [];
  const groups = strs(rule?.apiGroups);
  const resources = strs(rule?.resources);
  const verbs = strs(rule?.verbs);
  const names = strs(rule?.resourceNames);
  for (const g of groups) {
    for (const r of resources) {
      for (const v of verbs) {
        if (names.length) for (const n of names) out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n], nonResourceURLs: [] });
        else out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [], nonResourceURLs: [] });
      }
    }
  }
  for (const u of strs(rule?.nonResourceURLs)) for (const v of verbs) out.push({ apiGroups: [], resources: [], verbs: [v], resourceNames: [], nonResourceURLs: [u] });
  return out;
}

/** CompactRules: rules on one group, one resource and at most one name merge their verbs (first seen first). */
function compact(rules: Rule[]): Rule[] {
  const out: Rule[] = [];
  const simple = new Map<string, Rule>();
  for (const r of rules) {
    const isSimple = r.resourceNames.length <= 1 && !r.nonResourceURLs.length && r.apiGroups.length === 1 && r.resources.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames.length > 0, r.resourceNames[0] ?? '']);
    const have = simple.get(key);
    if (!have) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!have.verbs.includes(v)) have.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

const goList = (xs: string[]) => `[${xs.join(' ')}]`;

/** PolicyRule.String(), the key kubectl sorts rules by: verbs first, then groups, resources, names, URLs. */
const ruleKey = (r: Rule) =>
  `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;

/** CombineResourceGroup: `deployments.apps`, `pods/log`, `deployments.apps/scale`. */
function resourceGroup(resources: string[], groups: string[]): string {
  if (!resources.length) return '';
  const [base, sub] = resources[0].split(/\/(.*)/s);
  let out = base;
  if (groups.length && groups[0] !== '') out += `.${groups[0]}`;
  if (sub !== undefined) out += `/${sub}`;
  return out;
}

export function describeRole(role: KObject): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${role.metadata.name}`);
  labelsMultiline(w, 'Labels', role.metadata.labels);
  annotationsMultiline(w, 'Annotations', role.metadata.annotations);
  const rules = compact(((role.rules as any[] | undefined) ?? []).flatMap(breakdown));
  const keyed = rules.map((r) => [ruleKey(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  w.line('PolicyRule:');
  w.w(1, 'Resources\tNon-Resource URLs\tResource Names\tVerbs\n');
  w.w(1, '---------\t-----------------\t--------------\t-----\n');
  for (const [, r] of keyed) w.w(1, `${resourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
  return w.toString();
}

export function describeRoleBinding(binding: KObject): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${binding.metadata.name}`);
  labelsMultiline(w, 'Labels', binding.metadata.labels);
  annotationsMultiline(w, 'Annotations', binding.metadata.annotations);
  w.line('Role:');
  w.w(1, `Kind:\t${binding.roleRef?.kind ?? ''}\n`);
  w.w(1, `Name:\t${binding.roleRef?.name ?? ''}\n`);
  w.line('Subjects:');
  w.w(1, 'Kind\tName\tNamespace\n');
  w.w(1, '----\t----\t---------\n');
  for (const s of (binding.subjects as any[] | undefined) ?? []) w.w(1, `${s?.kind ?? ''}\t${s?.name ?? ''}\t${s?.namespace ?? ''}\n`);
  return w.toString();
}
