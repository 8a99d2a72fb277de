/**
 * The node commands: `taint` (taint.go's parse and reorganize rules: `key=value:Effect` adds,
 * `key:Effect-` or `key-` removes, an existing key/effect needs `--overwrite`), `cordon` and
 * `uncordon` (spec.unschedulable; `already cordoned` when nothing changes) and `drain`
 * (cordon, then evict every pod on the node except mirror pods, after drain's filters:
 * DaemonSet pods need `--ignore-daemonsets`, emptyDir pods `--delete-emptydir-data`, pods
 * without a controller `--force`; PodDisruptionBudgets are respected).
 */
import { evictPod } from '../../api/eviction';
import { ApiError, controllerOf, type KObject } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { die, DRY_RUN, dryRunOf, guard, refName, resolveObjects, result, SELECTOR, selectObjects, updateObject, withDryRun, type DryRun } from './util';
import { resolveResource } from '../../api/resources';

type Taint = { key: string; value?: string; effect?: string; timeAdded?: string };
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function taintString(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
}

/** taint.go's parseTaints: additions `key[=value]:Effect`, removals `key[:Effect]-`. */
export function parseTaints(specs: string[]): { add: Taint[]; remove: Taint[] } {
  const add: Taint[] = [];
  const remove: Taint[] = [];
  for (const spec of specs) {
    if (spec.endsWith('-')) {
      const body = spec.slice(0, -1);
      const [key, effect] = body.split(':');
      if (effect !== undefined && !EFFECTS.includes(effect)) die(`error: invalid taint effect: ${effect}, unsupported taint effect`);
      remove.push({ key, ...(effect ? { effect } : {}) });
      continue;
    }
    const colon = spec.lastIndexOf(':');
    if (colon < 0) die(`error: invalid taint spec: ${spec}, unknown taint spec: ${spec}`);
    const effect = spec.slice(colon + 1);
    const kv = spec.slice(0, colon);
    if (!EFFECTS.includes(effect)) die(`error: invalid taint spec: ${spec}, invalid taint effect: ${effect}, unsupported taint effect`);
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!key) die(`error: invalid taint spec: ${spec}, unknown taint spec: ${spec}`);
    const value = eq < 0 ? undefined : kv.slice(eq + 1);
    if (add.some((t) => t.key === key && t.effect === effect)) die(`error: can not add the same taint key and effect twice: ${key}:${effect}`);
    add.push({ key, ...(value ? { value } : {}), effect });
  }
  for (const r of remove) if (add.some((a) => a.key === r.key && (!r.effect || a.effect === r.effect))) die(`error: can not both modify and remove the following taint(s) in the same command: ${r.key}`);
  return { add, remove };
}

const TAINT_FLAGS: FlagSpec[] = [SELECTOR, DRY_RUN, { name: 'overwrite', kind: 'bool' }, { name: 'all', kind: 'bool' }, { name: 'output', short: 'o', kind: 'string' }, { name: 'validate', kind: 'string' }];

export const taint: CommandDef = {
  name: 'taint',
  summary: 'Update the taints on one or more nodes',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, TAINT_FLAGS);
      const resources: string[] = [];
      const specs: string[] = [];
      for (const a of p.args) {
        const isTaint = a.includes('=') || a.includes(':') || a.endsWith('-');
        if (isTaint) specs.push(a);
        else if (specs.length) die(`error: all resources must be specified before taint changes: ${a}`);
        else resources.push(a);
      }
      if (!resources.length) die('error: at least one resource name must be specified since \'all\' parameter is not set');
      const type = resources[0].split('/')[0];
      if (resolveResource(type)?.kind !== 'Node') die(`error: invalid resource type ${type}, only node types are supported`);
      if (!specs.length) die('error: at least one taint update is required');
      const { add, remove } = parseTaints(specs);
      const overwrite = p.flags.overwrite === true;
      const dry = dryRunOf(p);
      const { objects, errors } = resolveObjects(k, p, resources);
      const out: string[] = [];
      for (const node of objects) {
        const old: Taint[] = node.spec?.taints ?? [];
        if (!overwrite) {
          const exists = add.filter((a) => old.some((o) => o.key === a.key && o.effect === a.effect)).map((a) => a.key);
          if (exists.length) {
            errors.push(`error: node ${node.metadata.name} already has ${exists.join(',')} taint(s) with same effect(s) and --overwrite is false`);
            continue;
          }
        }
        // reorganizeTaints: the new ones, then the old ones they do not replace, minus removals.
        const now = k.ctx.clock.iso();
        let next: Taint[] = add.map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: now } : { ...t }));
        const added = add.length > 0;
        for (const o of old) if (!next.some((n) => n.key === o.key && n.effect === o.effect)) next.push(o);
        let deleted = false;
        let missing: string | undefined;
        for (const r of remove) {
          const before = next.length;
          next = next.filter((t) => !(t.key === r.key && (!r.effect || t.effect === r.effect)));
          if (next.length === before) missing ??= `error: taint ${JSON.stringify(taintString(r))} not found`;
          else deleted = true;
        }
        if (missing) {
          errors.push(missing);
          continue;
        }
        const op = (added && deleted) || overwrite ? 'modified' : added ? 'tainted' : 'untainted';
        updateObject(
          k,
          node,
          (d) => {
            if (next.length) d.spec = { ...d.spec, taints: next };
            else if (d.spec) delete d.spec.taints;
          },
          dry,
        );
        out.push(`${refName(node)} ${withDryRun(op, dry)}`);
      }
      return result(out, errors, errors.length ? 1 : 0);
    }),
};

const NODE_FLAGS: FlagSpec[] = [SELECTOR, DRY_RUN];

function nodesOf(words: string[], k: KubectlContext, flags: FlagSpec[]) {
  const p = parseFlags(words, flags);
  if (!p.args.length && p.flags.selector === undefined) die(`error: USAGE: ${''}cordon NODE [flags]`);
  const args = p.args.map((a) => (a.includes('/') ? a : `node/${a}`));
  if (!p.args.length) args.push('nodes');
  const { objects, errors } = resolveObjects(k, p, args);
  return { p, objects, errors };
}

function cordonNodes(k: KubectlContext, nodes: KObject[], desired: boolean, dry: DryRun): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const now = node.spec?.unschedulable === true;
    if (now === desired) {
      out.push(`${refName(node)} ${withDryRun(desired ? 'already cordoned' : 'already uncordoned', dry)}`);
      continue;
    }
    updateObject(
      k,
      node,
      (d) => {
        if (desired) d.spec = { ...d.spec, unschedulable: true };
        else if (d.spec) delete d.spec.unschedulable;
      },
      dry,
    );
    out.push(`${refName(node)} ${withDryRun(desired ? 'cordoned' : 'uncordoned', dry)}`);
  }
  return out;
}

function cordonCommand(name: 'cordon' | 'uncordon'): CommandDef {
  return {
    name,
    summary: name === 'cordon' ? 'Mark node as unschedulable' : 'Mark node as schedulable',
    run: (words, k) =>
      guard(() => {
        const p0 = parseFlags(words, NODE_FLAGS);
        if (!p0.args.length && p0.flags.selector === undefined) die(`error: USAGE: ${name} NODE [flags]\nSee 'kubectl ${name} -h' for help and examples`);
        const { p, objects, errors } = nodesOf(words, k, NODE_FLAGS);
        const out = cordonNodes(k, objects, name === 'cordon', dryRunOf(p));
        return result(out, errors, errors.length ? 1 : 0);
      }),
  };
}

export const cordon = cordonCommand('cordon');
export const uncordon = cordonCommand('uncordon');

const DRAIN_FLAGS: FlagSpec[] = [
  SELECTOR,
  DRY_RUN,
  { name: 'force', kind: 'bool' },
  { name: 'ignore-daemonsets', kind: 'bool' },
  { name: 'delete-emptydir-data', kind: 'bool' },
  { name: 'delete-local-data', kind: 'bool' },
  { name: 'grace-period', kind: 'int', default: -1 },
  { name: 'timeout', kind: 'string' },
  { name: 'pod-selector', kind: 'string' },
  { name: 'disable-eviction', kind: 'bool' },
  { name: 'ignore-errors', kind: 'bool' },
  { name: 'skip-wait-for-delete-timeout', kind: 'int' },
  { name: 'chunk-size', kind: 'int' },
];

type Verdict = { pod: KObject; delete: boolean; warning?: string; error?: string };

/** drain's filters, in kubectl's order; the last warning wins, the first error stops the pod. */
function filterPod(k: KubectlContext, pod: KObject, f: { force: boolean; ignoreDs: boolean; emptyDir: boolean }): Verdict | undefined {
  const phase = pod.status?.phase;
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const ref = controllerOf(pod);
  let warning: string | undefined;
  if (ref?.kind === 'DaemonSet' && !finished) {
    const ds = k.ctx.store.get('DaemonSet', pod.metadata.namespace, ref.name);
    if (!ds) {
      if (!f.force) return { pod, delete: false, error: `daemonsets.apps "${ref.name}" not found` };
      warning = `daemonsets.apps "${ref.name}" not found`;
    } else if (!f.ignoreDs) return { pod, delete: false, error: 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' };
    else return { pod, delete: false, warning: 'ignoring DaemonSet-managed Pods' };
  }
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return undefined;
  if (!finished && (pod.spec?.volumes ?? []).some((v: any) => v.emptyDir)) {
    if (!f.emptyDir) return { pod, delete: false, error: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)' };
    warning = 'deleting Pods with local storage';
  }
  if (!finished && !ref) {
    if (!f.force) return { pod, delete: false, error: 'cannot delete Pods that declare no controller (use --force to override)' };
    warning = 'deleting Pods that declare no controller';
  }
  return { pod, delete: true, warning };
}

export const drain: CommandDef = {
  name: 'drain',
  summary: 'Drain node in preparation for maintenance',
  run: (words, k) =>
    guard((): KubectlResult => {
      const p0 = parseFlags(words, DRAIN_FLAGS);
      if (!p0.args.length && p0.flags.selector === undefined) die(`error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples`);
      const { p, objects, errors } = nodesOf(words, k, DRAIN_FLAGS);
      if (errors.length) return result('', errors, 1);
      const dry = dryRunOf(p);
      const out = cordonNodes(k, objects, true, dry);
      const err: string[] = [];
      const f = { force: p.flags.force === true, ignoreDs: p.flags['ignore-daemonsets'] === true, emptyDir: p.flags['delete-emptydir-data'] === true || p.flags['delete-local-data'] === true };
      const grace = p.flags['grace-period'] as number;
      for (let n = 0; n < objects.length; n++) {
        const node = objects[n];
        let pods = [...k.ctx.store.each('Pod')].filter((pod) => pod.spec?.nodeName === node.metadata.name).sort((a, b) => (a.metadata.namespace! + a.metadata.name < b.metadata.namespace! + b.metadata.name ? -1 : 1));
        if (typeof p.flags['pod-selector'] === 'string') {
          const chosen = new Set(selectObjects(k, [resolveResource('Pod')!], undefined, p.flags['pod-selector']));
          pods = pods.filter((pod) => chosen.has(pod));
        }
        const verdicts = pods.map((pod) => filterPod(k, pod, f)).filter((v): v is Verdict => !!v);
        const failed = new Map<string, string[]>();
        for (const v of verdicts) if (v.error) failed.set(v.error, [...(failed.get(v.error) ?? []), `${v.pod.metadata.namespace}/${v.pod.metadata.name}`]);
        if (failed.size) {
          const msgs = [...failed].map(([m, list]) => `${m.toLowerCase().startsWith('cannot delete') ? m : `cannot delete ${m}`}: ${list.join(', ')}`);
          err.push(`error: unable to drain node "${node.metadata.name}", aborting command...`, '', 'There are pending nodes to be drained:', ...objects.slice(n).map((x) => ` ${x.metadata.name}`));
          err.push(msgs.length === 1 ? `error: ${msgs[0]}` : `error: [${msgs.join(', ')}]`);
          return result(out, err, 1);
        }
        const warned = new Map<string, string[]>();
        for (const v of verdicts) if (v.warning) warned.set(v.warning, [...(warned.get(v.warning) ?? []), `${v.pod.metadata.namespace}/${v.pod.metadata.name}`]);
        if (warned.size) err.push(`Warning: ${[...warned].map(([m, list]) => `${m}: ${list.join(', ')}`).join('; ')}`);
        const victims = verdicts.filter((v) => v.delete).map((v) => v.pod);
        const evicted: string[] = [];
        for (const pod of victims) {
          out.push(`evicting pod ${pod.metadata.namespace}/${pod.metadata.name}${dry === 'client' ? ' (dry run)' : dry === 'server' ? ' (server dry run)' : ''}`);
          if (dry !== 'none') continue;
          try {
            // Through the eviction subresource, which asks the pod's PodDisruptionBudget (and spends it);
            // --disable-eviction deletes directly, bypassing budgets, as kubectl does.
            const opts = grace >= 0 ? { gracePeriodSeconds: grace } : {};
            if (p.flags['disable-eviction'] === true) k.ctx.api.delete('Pod', pod.metadata.namespace, pod.metadata.name, opts);
            else evictPod(k.ctx, pod.metadata.namespace!, pod.metadata.name, opts);
            evicted.push(`pod/${pod.metadata.name} evicted`);
          } catch (e) {
            if (!(e instanceof ApiError)) throw e;
            if (e.reason === 'TooManyRequests') err.push(`error when evicting pods/"${pod.metadata.name}" -n "${pod.metadata.namespace}" (will retry after 5s): ${e.message}`);
            else if (e.reason !== 'NotFound') err.push(`error when evicting pods/"${pod.metadata.name}" -n "${pod.metadata.namespace}": ${e.message}`);
          }
        }
        out.push(...evicted);
        const blocked = victims.length - evicted.length;
        if (dry === 'none' && blocked > 0) {
          // kubectl would keep retrying until --timeout; the engine answers now, as a timed-out drain.
          const timeout = typeof p.flags.timeout === 'string' ? p.flags.timeout : '0s';
          err.push(
            `There are pending pods in node "${node.metadata.name}" when an error occurred: drain did not complete within ${timeout}`,
            ...victims.filter((v) => !evicted.includes(`pod/${v.metadata.name} evicted`)).map((v) => `pod/${v.metadata.name}`),
            `error: unable to drain node "${node.metadata.name}", aborting command...`,
            '',
            'There are pending nodes to be drained:',
            ...objects.slice(n).map((x) => ` ${x.metadata.name}`),
            `error: drain did not complete within ${timeout}`,
          );
          return result(out, err, 1);
        }
        out.push(`${refName(node)} ${withDryRun('drained', dry)}`);
      }
      return result(out, err, 0);
    }),
};
