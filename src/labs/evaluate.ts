/**
 * Checks: declarative predicates over the simulated cluster, read through the public engine API.
 * Each answers ok or not with a `detail` that says what it saw ("2 of 3 pods Ready"), so a learner
 * knows how far along they are, not only that they are not done.
 */
import type { KObject } from '../sim/index';
import { selectValues } from '../sim/kubectl/printers/jsonpath';
import type { Check, CheckResult, Comparison } from './types';
import { expandStrict as expand, type LabCluster } from './cluster';

/** When the step started (simulated ms): `event` checks only count events from then on. */
export type CheckContext = { since: number };

export function evaluateChecks(cluster: LabCluster, checks: Check[], ctx: CheckContext): CheckResult[] {
  return checks.map((c) => evaluateCheck(cluster, c, ctx));
}

export function evaluateCheck(cluster: LabCluster, check: Check, ctx: CheckContext): CheckResult {
  let r: { ok: boolean; detail: string };
  try {
    r = predicate(cluster, check, ctx);
  } catch (e) {
    r = { ok: false, detail: (e as Error).message };
  }
  return { ok: r.ok, detail: r.detail, message: check.message, hint: check.hint };
}

/** Whether a check reads only (no kubectl, no trace): those are cheap to re-run on every change. */
export function isPassive(check: Check): boolean {
  return !('kubectl' in check) && !('trace' in check);
}

function predicate(cluster: LabCluster, c: Check, ctx: CheckContext): { ok: boolean; detail: string } {
  if ('exists' in c || 'absent' in c) {
    const ref = 'exists' in c ? c.exists : c.absent;
    const { kind, name, namespace, explicit } = parseRef(expand(ref, cluster), c.namespace);
    const o = cluster.get(kind, name, namespace);
    const present = !!o && !o.metadata.deletionTimestamp;
    // Cluster-scoped objects (nodes, namespaces) have no namespace to mention.
    const shownNs = o ? o.metadata.namespace : explicit ? namespace : undefined;
    const what = `${kind}/${name}${shownNs ? ` in ${shownNs}` : ''}`;
    return 'exists' in c
      ? { ok: present, detail: present ? `${what} exists` : `${what} does not exist${o ? ' (it is being deleted)' : ''}` }
      : { ok: !o, detail: o ? `${what} still exists${o.metadata.deletionTimestamp ? ' (terminating)' : ''}` : `${what} is gone` };
  }
  if ('field' in c) {
    const { kind, name, namespace } = parseRef(expand(c.field.ref, cluster), c.field.namespace);
    const o = cluster.get(kind, name, namespace);
    if (!o) return { ok: false, detail: `${kind}/${name} does not exist` };
    const values = selectValues(c.field.path, o);
    return compare(values, c.field, c.field.path, cluster);
  }
  if ('pods' in c) {
    const { selector, namespace = 'default', count, min, ready, phase } = c.pods;
    const pods = cluster.list('Pod', { namespace, labelSelector: selector }).filter((p) => !p.metadata.deletionTimestamp);
    const good = pods.filter((p) => (ready === undefined || isReady(p) === ready) && (phase === undefined || p.status?.phase === phase));
    const state = [ready !== undefined ? (ready ? 'Ready' : 'not Ready') : '', phase ?? ''].filter(Boolean).join(' and ');
    const want = count !== undefined ? `${count}` : `at least ${min}`;
    const ok = count !== undefined ? good.length === count && (min === undefined || good.length >= min) : good.length >= (min ?? 0);
    return { ok, detail: `${good.length} of ${pods.length} pods matching ${selector} are ${state} (want ${want})` };
  }
  if ('rollout' in c) {
    const { name, namespace } = parseRef(expand(c.rollout, cluster), c.namespace);
    const d = cluster.get('Deployment', name, namespace);
    if (!d) return { ok: false, detail: `deployment/${name} does not exist` };
    return rolloutStatus(d);
  }
  if ('trace' in c) {
    const t = c.trace;
    const to = expand(t.to, cluster);
    const from = expand(t.from, cluster);
    const res = cluster.trace({ from, to, ...(t.port ? { port: t.port } : {}), ...(t.protocol ? { protocol: t.protocol } : {}) });
    const said = `${from} → ${to}: ${res.outcome}${res.servedBy ? ` (served by ${res.servedBy})` : ''}${res.reason ? `. ${res.reason}` : ''}`;
    if (res.outcome !== t.outcome) return { ok: false, detail: said };
    if (t.servedBy) {
      const m = /^pod\/([^/]+)\/(.+)$/.exec(res.servedBy ?? '');
      const of = m ? cluster.list('Pod', { namespace: m[1], labelSelector: t.servedBy }).some((p) => p.metadata.name === m[2]) : false;
      if (!of) return { ok: false, detail: `${said}; not a pod matching ${t.servedBy}` };
    }
    if (t.bodyContains !== undefined && !(res.http?.body ?? '').includes(t.bodyContains)) {
      return { ok: false, detail: `${said}; the answer does not contain "${t.bodyContains}"` };
    }
    return { ok: true, detail: said };
  }
  if ('event' in c) {
    const e = c.event;
    const epoch = Date.parse(String(cluster.get('Namespace', 'default')?.metadata.creationTimestamp ?? '')) || 0;
    const since = Math.floor(ctx.since / 1000) * 1000;
    const hit = cluster.events().filter((ev) => {
      if (ev.reason !== e.reason) return false;
      if (e.type && ev.type !== e.type) return false;
      const io = ev.involvedObject ?? {};
      if (e.namespace && io.namespace !== e.namespace) return false;
      if (e.object) {
        const [kind, name] = e.object.split('/');
        if (String(io.kind ?? '').toLowerCase() !== kind.toLowerCase()) return false;
        if (name && !(name.endsWith('*') ? String(io.name).startsWith(name.slice(0, -1)) : io.name === name)) return false;
      }
      return Date.parse(ev.lastTimestamp) - epoch >= since;
    });
    const last = hit[hit.length - 1];
    return last
      ? { ok: true, detail: `${last.type} ${last.reason} on ${String(last.involvedObject?.kind).toLowerCase()}/${last.involvedObject?.name}: ${last.message}` }
      : { ok: false, detail: `no ${e.reason} event${e.object ? ` for ${e.object}` : ''} yet` };
  }
  if ('kubectl' in c) {
    const k = c.kubectl;
    const line = expand(k.command, cluster);
    const r = cluster.kubectl(line);
    const out = r.stdout + r.stderr;
    const first = out.trim().split('\n').slice(0, 3).join(' ⏎ ') || '(no output)';
    if (k.exitCode !== undefined && r.exitCode !== k.exitCode) return { ok: false, detail: `\`${line}\` exited ${r.exitCode}: ${first}` };
    if (k.contains !== undefined && !out.includes(expand(k.contains, cluster))) return { ok: false, detail: `\`${line}\` does not show "${expand(k.contains, cluster)}": ${first}` };
    if (k.notContains !== undefined && out.includes(expand(k.notContains, cluster))) return { ok: false, detail: `\`${line}\` still shows "${expand(k.notContains, cluster)}"` };
    if (k.matches !== undefined && !new RegExp(expand(k.matches, cluster), 'm').test(out)) return { ok: false, detail: `\`${line}\` does not match /${k.matches}/: ${first}` };
    return { ok: true, detail: `\`${line}\`: ${first}` };
  }
  return { ok: false, detail: 'unknown check' };
}

/** What `kubectl rollout status` waits for: the new ReplicaSet has every replica, available, and no old pods are left. */
export function rolloutStatus(d: KObject): { ok: boolean; detail: string } {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const name = `deployment "${d.metadata.name}"`;
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return { ok: false, detail: `Waiting for ${name} spec update to be observed...` };
  const updated = s.updatedReplicas ?? 0;
  if (updated < want) return { ok: false, detail: `Waiting for ${name} rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
  if ((s.replicas ?? 0) > updated) return { ok: false, detail: `Waiting for ${name} rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...` };
  if ((s.availableReplicas ?? 0) < updated) return { ok: false, detail: `Waiting for ${name} rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
  return { ok: true, detail: `${name} successfully rolled out` };
}

function isReady(p: KObject): boolean {
  return (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

function compare(values: unknown[], cmp: Comparison, path: string, cluster: LabCluster): { ok: boolean; detail: string } {
  if (!values.length) return { ok: false, detail: `${path} is not set` };
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ');
  const str = (v: unknown) => (typeof v === 'string' ? expand(v, cluster) : JSON.stringify(v));
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  let ok: boolean;
  let want: string;
  if (cmp.equals !== undefined) {
    ok = values.some((v) => (typeof v === 'string' ? v : JSON.stringify(v)) === str(cmp.equals));
    want = `= ${str(cmp.equals)}`;
  } else if (cmp.notEquals !== undefined) {
    ok = values.every((v) => (typeof v === 'string' ? v : JSON.stringify(v)) !== str(cmp.notEquals));
    want = `≠ ${str(cmp.notEquals)}`;
  } else if (cmp.contains !== undefined) {
    ok = values.some((v) => (Array.isArray(v) ? v.map(String).includes(cmp.contains!) : (typeof v === 'string' ? v : JSON.stringify(v)).includes(cmp.contains!)));
    want = `contains "${cmp.contains}"`;
  } else if (cmp.matches !== undefined) {
    ok = values.some((v) => new RegExp(cmp.matches!).test(typeof v === 'string' ? v : JSON.stringify(v)));
    want = `matches /${cmp.matches}/`;
  } else {
    const [op, bound] = (['gt', 'gte', 'lt', 'lte'] as const).map((k) => [k, cmp[k]] as const).find(([, b]) => b !== undefined) ?? ['gt', 0];
    const test = { gt: (x: number) => x > bound!, gte: (x: number) => x >= bound!, lt: (x: number) => x < bound!, lte: (x: number) => x <= bound! }[op];
    ok = values.some((v) => Number.isFinite(num(v)) && test(num(v)));
    want = `${{ gt: '>', gte: '≥', lt: '<', lte: '≤' }[op]} ${bound}`;
  }
  return { ok, detail: `${path} is ${shown} (want ${want})` };
}

function parseRef(ref: string, namespace?: string): { kind: string; name: string; namespace?: string; explicit: boolean } {
  const parts = ref.split('/');
  if (parts.length === 3) return { kind: parts[0], namespace: parts[1], name: parts[2], explicit: true };
  return { kind: parts[0], name: parts[1] ?? '', namespace: namespace ?? 'default', explicit: namespace !== undefined };
}
