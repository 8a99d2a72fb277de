/**
 * `kubectl describe` of ResourceQuotas and LimitRanges, and the sections `describe namespace`
 * shows of them (describe.go's describeQuota, describeLimitRange, DescribeResourceQuotas,
 * DescribeLimitRanges). Neither kind's describer lists events.
 */
import type { KObject } from '../../../api/types';
import { formatQuantity, parseQuantity } from '../../../api/quantity';
import { DescribeWriter, quantityString } from './common';

/** helpTextForResourceQuotaScope: the line kubectl explains each pod scope with (none for the others). */
const SCOPE_HELP: Record<string, string> = {
  Terminating: 'Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.',
  NotTerminating: 'Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
  BestEffort: 'Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
  NotBestEffort: 'Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
};

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * describeQuota's Used cell: a used amount kept in another format than its hard limit is re-expressed
 * in the hard limit's format from its whole value (`resource.NewQuantity(used.Value(), hard.Format)`).
 */
function usedInHardFormat(used: unknown, hard: unknown): string {
  const u = parseQuantity(used ?? '0');
  const h = parseQuantity(hard);
  if (!u || !h || u.format === h.format) return quantityString(used);
  const nano = 1_000_000_000n;
  const whole = u.nanos >= 0n ? (u.nanos + nano - 1n) / nano : u.nanos / nano;
  return formatQuantity({ nanos: whole * nano, format: h.format });
}

function scopes(quota: KObject): string[] {
  return [...((quota.spec?.scopes as string[] | undefined) ?? [])].sort(byString);
}

export function describeResourceQuota(quota: KObject): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${quota.metadata.name}`);
  w.line(`Namespace:\t${quota.metadata.namespace}`);
  const sc = scopes(quota);
  if (sc.length) {
    w.line(`Scopes:\t${sc.join(', ')}`);
    for (const s of sc) if (SCOPE_HELP[s]) w.line(` * ${SCOPE_HELP[s]}`);
  }
  w.line('Resource\tUsed\tHard');
  w.line('--------\t----\t----');
  // Only what the quota controller has recorded in status is shown, as kubectl reads status.hard.
  const hard: Record<string, unknown> = quota.status?.hard ?? {};
  for (const r of Object.keys(hard).sort(byString)) w.line(`${r}\t${usedInHardFormat(quota.status?.used?.[r], hard[r])}\t${quantityString(hard[r])}`);
  return w.toString();
}

/** describeLimitRangeSpec: one row per limit item and resource, `-` where the item sets nothing. */
function limitRows(w: DescribeWriter, lr: KObject, prefix: string): void {
  for (const item of (lr.spec?.limits as any[] | undefined) ?? []) {
    const maps = [item?.min, item?.max, item?.defaultRequest, item?.default, item?.maxLimitRequestRatio];
    const names = new Set<string>();
    for (const m of maps) for (const k of Object.keys(m ?? {})) names.add(k);
    // kubectl walks a Go map here (no fixed order); sorted is one of the orders it can print.
    for (const r of [...names].sort(byString)) {
      const cell = (m: any) => (m && m[r] !== undefined ? quantityString(m[r]) : '-');
      w.line(`${prefix}${item?.type ?? ''}\t${r}\t${maps.map(cell).join('\t')}`);
    }
  }
}

export function describeLimitRange(lr: KObject): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${lr.metadata.name}`);
  w.line(`Namespace:\t${lr.metadata.namespace}`);
  w.line('Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio');
  w.line('----\t--------\t---\t---\t---------------\t-------------\t-----------------------');
  limitRows(w, lr, '');
  return w.toString();
}

/** DescribeResourceQuotas: every quota of a namespace, by name, as `describe namespace` lists them. */
export function resourceQuotasSection(w: DescribeWriter, quotas: KObject[]): void {
  if (!quotas.length) {
    w.line('No resource quota.');
    return;
  }
  w.line('Resource Quotas');
  for (const q of [...quotas].sort((a, b) => byString(a.metadata.name, b.metadata.name))) {
    w.w(1, `Name:\t${q.metadata.name}\n`);
    const sc = scopes(q);
    if (sc.length) {
      w.w(1, `Scopes:\t${sc.join(', ')}\n`);
      for (const s of sc) if (SCOPE_HELP[s]) w.w(1, `* ${SCOPE_HELP[s]}\n`);
    }
    w.w(1, 'Resource\tUsed\tHard\n');
    w.w(1, '--------\t---\t---\n');
    const hard: Record<string, unknown> = q.status?.hard ?? {};
    for (const r of Object.keys(hard).sort(byString)) w.w(1, `${r}\t${quantityString(q.status?.used?.[r])}\t${quantityString(hard[r])}\n`);
  }
}

/** DescribeLimitRanges: all limit items of a namespace in one table, rows indented by one space. */
export function limitRangesSection(w: DescribeWriter, limitRanges: KObject[]): void {
  if (!limitRanges.length) {
    w.line('No LimitRange resource.');
    return;
  }
  w.line('Resource Limits');
  w.line(' Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio');
  w.line(' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------');
  for (const lr of limitRanges) limitRows(w, lr, ' ');
}
