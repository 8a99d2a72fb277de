/** `kubectl api-resources` and `kubectl api-versions`: what the simulated API server serves (api/resources.ts). */
import { apiVersionOf, RESOURCES, RETIRED, serves, type ResourceDef } from '../../api/resources';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlResult } from '../command';
import { renderTable } from '../printers/index';
import { ALL_CATEGORY } from './get';

const FLAGS: FlagSpec[] = [
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'namespaced', kind: 'string' },
  { name: 'api-group', kind: 'string' },
  { name: 'no-headers', kind: 'bool' },
  { name: 'sort-by', kind: 'string' },
  { name: 'verbs', kind: 'strings' },
  { name: 'cached', kind: 'bool' },
  { name: 'categories', kind: 'strings' },
];

/** Subresource-like kinds that only take create (as `bindings` does on a real server). */
const CREATE_ONLY = new Set(['Binding']);
const EVERY_VERB = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const verbsOf = (r: ResourceDef) => (CREATE_ONLY.has(r.kind) ? ['create'] : EVERY_VERB);

/** Group order as discovery lists it: the core group first, then the others as the catalogue declares them. */
function discoveryOrder(): ResourceDef[] {
  const groups: string[] = [];
  for (const r of RESOURCES) if (!groups.includes(r.group)) groups.push(r.group);
  return [...RESOURCES].sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group) || (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
}

function apiResources(words: string[]): KubectlResult {
  const p = parseFlags(words, FLAGS);
  const output = typeof p.flags.output === 'string' ? p.flags.output : '';
  if (output && output !== 'wide' && output !== 'name') {
    return { stdout: '', stderr: `error: --output ${output} is not available\n`, exitCode: 1 };
  }
  let list = discoveryOrder();
  const ns = p.flags.namespaced;
  if (ns !== undefined) {
    if (ns !== 'true' && ns !== 'false') return { stdout: '', stderr: `error: invalid argument "${ns}" for "--namespaced" flag: strconv.ParseBool: parsing "${ns}": invalid syntax\n`, exitCode: 1 };
    list = list.filter((r) => r.namespaced === (ns === 'true'));
  }
  if (typeof p.flags['api-group'] === 'string') list = list.filter((r) => r.group === p.flags['api-group']);
  const verbs = ((p.flags.verbs as string[] | undefined) ?? []).flatMap((v) => v.split(',')).filter(Boolean);
  if (verbs.length) list = list.filter((r) => verbs.every((v) => verbsOf(r).includes(v)));
  const cats = ((p.flags.categories as string[] | undefined) ?? []).flatMap((v) => v.split(',')).filter(Boolean);
  if (cats.length) list = list.filter((r) => cats.every((c) => c === 'all' && ALL_CATEGORY.includes(r.kind)));
  if (p.flags['sort-by'] === 'name') list.sort((a, b) => (a.plural < b.plural ? -1 : 1));
  else if (p.flags['sort-by'] === 'kind') list.sort((a, b) => (a.kind < b.kind ? -1 : 1));
  else if (p.flags['sort-by'] !== undefined) return { stdout: '', stderr: `error: --sort-by accepts only name or kind\n`, exitCode: 1 };

  if (output === 'name') return { stdout: list.map((r) => (r.group ? `${r.plural}.${r.group}\n` : `${r.plural}\n`)).join(''), stderr: '', exitCode: 0 };
  const header = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(output === 'wide' ? ['VERBS', 'CATEGORIES'] : [])];
  const rows = list.map((r) => {
    const row = [r.plural, r.shortNames.join(','), apiVersionOf(r), String(r.namespaced), r.kind];
    if (output === 'wide') row.push(`[${verbsOf(r).join(' ')}]`, ALL_CATEGORY.includes(r.kind) ? 'all' : '');
    return row;
  });
  return { stdout: renderTable(p.flags['no-headers'] ? rows : [header, ...rows]), stderr: '', exitCode: 0 };
}

/** Every group/version served, sorted as kubectl sorts them (so `v1` comes last). */
export function servedVersions(): string[] {
  const set = new Set<string>(RESOURCES.map(apiVersionOf));
  for (const v of Object.keys(RETIRED)) for (const kind of RETIRED[v]) if (serves(v, kind)) set.add(v);
  if (serves('autoscaling/v1', 'HorizontalPodAutoscaler')) set.add('autoscaling/v1');
  return [...set].sort();
}

export const apiResourcesCommand: CommandDef = {
  name: 'api-resources',
  summary: 'Print the supported API resources on the server',
  run: (words) => apiResources(words),
};

export const apiVersionsCommand: CommandDef = {
  name: 'api-versions',
  summary: 'Print the supported API versions on the server, in the form of "group/version"',
  run: (words) => {
    parseFlags(words, []);
    return { stdout: servedVersions().map((v) => `${v}\n`).join(''), stderr: '', exitCode: 0 };
  },
};
